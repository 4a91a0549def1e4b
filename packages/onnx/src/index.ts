/**
 * @myelin/onnx — export Myelin modules as ONNX models (see the README for the op mapping).
 *
 * @example
 * import { exportOnnx } from '@myelin/onnx';
 * const bytes = exportOnnx(model, randn([2, 4])); // an example input fixes the shapes
 * await writeFile('model.onnx', bytes);
 *
 * @module @myelin/onnx
 */
export { type DynamicAxes, type ExportOnnxOptions, exportOnnx } from './export.js';
