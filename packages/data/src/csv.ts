import { type Tensor, tensor } from '@myelin/tensor';
import { csvRecords } from './csv-records.js';

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

const FLOAT32_MAX = 3.4028234663852886e38;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
// Strict decimal: optional sign, digits with an optional fraction (or a fraction alone), optional exponent.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a cell holds, or an error naming its line and column. */
function parseCell(text: string, line: number, column: string): number {
  if (!DECIMAL.test(text)) {
    throw new TypeError(`readCSV: line ${line}, column '${column}': ${JSON.stringify(text)} is not a number`);
  }
  const value = Number(text);
  if (!Number.isFinite(Math.fround(value))) {
    throw new RangeError(
      `readCSV: line ${line}, column '${column}': ${text} is outside the float32 range (magnitude at most ${FLOAT32_MAX})`,
    );
  }
  return value;
}

function checkDelimiter(delimiter: string): void {
  if (delimiter === '' || /["\r\n]/.test(delimiter)) {
    throw new RangeError(
      `readCSV: delimiter ${JSON.stringify(delimiter)} is not usable (expected a non-empty string without quotes or line breaks)`,
    );
  }
}

/**
 * Parses numeric CSV into tensors: features `x` and, with `labelColumn`, labels `y`.
 *
 * Follows RFC 4180: a field in double quotes may hold the delimiter, line breaks and doubled quotes
 * (`"a ""b"", c"`), in the header and in data rows; lines end with LF or CRLF. Blanks around a
 * field are ignored and empty lines are skipped. Cells must be strict decimal numbers: an optional
 * sign, digits with an optional fraction, an optional exponent (`-1`, `2.5`, `.5`, `6e-3`).
 *
 * Malformed input throws an error naming the line (and column): ragged rows, broken quoting,
 * non-decimal cells (`0x1F`, `1e`, `1,5`), `NaN`/`Infinity` and empty cells (handle missing values
 * before reading), values beyond float32 range, and integer labels beyond int32 range.
 *
 * NOTE: the label column becomes int32 when every label is an integer, float32 otherwise.
 *
 * @example const { x, y } = readCSV(text, { labelColumn: 'species' });
 */
export function readCSV(input: string | Uint8Array, options: ReadCSVOptions = {}): CSVData {
  const { header = true, delimiter = ',' } = options;
  checkDelimiter(delimiter);
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const records = csvRecords(text, delimiter, 'readCSV');
  if (records.length === 0) throw new Error('readCSV: the input has no rows');
  const first = records[0]!.fields;
  const width = first.length;
  const names = header ? first : first.map((_, i) => `column_${i}`);
  const rows = header ? records.slice(1) : records;
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
  rows.forEach(({ fields, line }, r) => {
    if (fields.length !== width) {
      throw new RangeError(`readCSV: line ${line} has ${fields.length} fields, expected ${width}`);
    }
    fields.forEach((cell, c) => {
      const value = parseCell(cell.trim(), line, names[c]!);
      if (c === label) labels[r] = value;
      else features[at++] = value;
    });
  });
  const columns = names.filter((_, c) => c !== label);
  const integral = labels.every(Number.isInteger);
  const outside = integral ? labels.findIndex((v) => v < INT32_MIN || v > INT32_MAX) : -1;
  if (outside >= 0) {
    const { line, fields } = rows[outside]!;
    throw new RangeError(
      `readCSV: line ${line}, column '${names[label]}': the label ${fields[label]!.trim()} is outside the int32 range [${INT32_MIN}, ${INT32_MAX}] (integer labels become int32)`,
    );
  }
  const x = tensor(features, { shape: [rows.length, columns.length] });
  if (label < 0) return { x, columns };
  return { x, y: integral ? tensor(Int32Array.from(labels)) : tensor(Float32Array.from(labels)), columns };
}
