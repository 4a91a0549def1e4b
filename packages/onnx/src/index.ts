// @myelin/onnx: export Myelin modules as ONNX models (see the README for the op mapping).
export { type DynamicAxes, type ExportOnnxOptions, exportOnnx } from './export.js';
