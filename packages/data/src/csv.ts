import { type Tensor, tensor } from '@myelin/tensor';

/** Options of {@link readCSV}. */
export interface ReadCSVOptions {
  /** The first line names the columns (default true). */
  header?: boolean;
  /** A column to return separately as `y` (index, or name when there is a header). */
  labelColumn?: number | string;
  /** Field separator (default ','). */
  delimiter?: string;
}

/** What {@link readCSV} returns. */
export interface CSVData {
  /** The feature columns, float32 [rows, columns]. */
  x: Tensor;
  /** The label column: int32 if every value is an integer, float32 otherwise. */
  y?: Tensor;
  /** Names of the feature columns (from the header, or "column_i"). */
  columns: string[];
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f;
}

/**
 * Parses numeric CSV into tensors: features `x` and, with `labelColumn`, labels `y`. Empty lines are
 * skipped. Malformed input — ragged rows, non-numeric cells — throws an error naming the line.
 *
 * @example const { x, y } = readCSV(text, { labelColumn: 'species' });
 */
export function readCSV(input: string | Uint8Array, options: ReadCSVOptions = {}): CSVData {
  const { header = true, delimiter = ',' } = options;
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => line.trim() !== '');
  if (lines.length === 0) throw new Error('readCSV: the input has no rows');
  const first = lines[0]!.line.split(delimiter).map(unquote);
  const width = first.length;
  const names = header ? first : first.map((_, i) => `column_${i}`);
  const rows = header ? lines.slice(1) : lines;
  let label = -1;
  if (options.labelColumn !== undefined) {
    label =
      typeof options.labelColumn === 'number' ? options.labelColumn : names.indexOf(options.labelColumn);
    if (!Number.isInteger(label) || label < 0 || label >= width) {
      throw new RangeError(
        `readCSV: label column ${JSON.stringify(options.labelColumn)} not found (columns: ${names.join(', ')})`,
      );
    }
  }
  const features = new Float32Array(rows.length * (width - (label >= 0 ? 1 : 0)));
  const labels = new Float64Array(label >= 0 ? rows.length : 0);
  let at = 0;
  rows.forEach(({ line, number }, r) => {
    const cells = line.split(delimiter);
    if (cells.length !== width) {
      throw new RangeError(`readCSV: line ${number} has ${cells.length} fields, expected ${width}`);
    }
    cells.forEach((cell, c) => {
      const text = unquote(cell);
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) {
        throw new TypeError(
          `readCSV: line ${number}, column '${names[c]}': ${JSON.stringify(text)} is not a number`,
        );
      }
      if (c === label) labels[r] = value;
      else features[at++] = value;
    });
  });
  const columns = names.filter((_, c) => c !== label);
  const x = tensor(features, { shape: [rows.length, columns.length] });
  if (label < 0) return { x, columns };
  const integral = labels.every(Number.isInteger);
  return { x, y: integral ? tensor(Int32Array.from(labels)) : tensor(Float32Array.from(labels)), columns };
}
