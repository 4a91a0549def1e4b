// The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that export
// writes, as a protobufjs JSON descriptor: the field numbers and types are copied from the official
// schema, so any ONNX reader decodes what this encodes. Fields export never sets are left out.
import protobuf from 'protobufjs/light.js';

/** ONNX's TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;

/**
 * An int64 field's value as protobufjs writes it: a Long-like { low, high } pair of 32-bit halves
 * (protobufjs' convention for 64-bit integers, exact for every value, independent of whether the
 * `long` package is loaded). `value` must be an integer: a number no larger in magnitude than
 * 2^53 − 1 (larger ones are not exact in JavaScript), or a bigint in int64's range.
 *
 * @example int64(3_000_000_000) // { low: -1294967296, high: 0, unsigned: false }
 */
export function int64(value: number | bigint): { low: number; high: number; unsigned: false } {
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new RangeError(`int64: ${value} is not an integer that JavaScript represents exactly`);
  const big = BigInt(value);
  if (big !== BigInt.asIntN(64, big)) throw new RangeError(`int64: ${value} is outside int64's range`);
  const bits = BigInt.asUintN(64, big);
  return {
    low: Number(BigInt.asIntN(32, bits)),
    high: Number(BigInt.asIntN(32, bits >> 32n)),
    unsigned: false,
  };
}

/** ONNX's AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { id: 1, type: 'int64' },
            opsetImport: { id: 8, type: 'OperatorSetIdProto', rule: 'repeated' },
            producerName: { id: 2, type: 'string' },
            producerVersion: { id: 3, type: 'string' },
            domain: { id: 4, type: 'string' },
            modelVersion: { id: 5, type: 'int64' },
            docString: { id: 6, type: 'string' },
            graph: { id: 7, type: 'GraphProto' },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { id: 1, type: 'string' },
            version: { id: 2, type: 'int64' },
          },
        },
        GraphProto: {
          fields: {
            node: { id: 1, type: 'NodeProto', rule: 'repeated' },
            name: { id: 2, type: 'string' },
            initializer: { id: 5, type: 'TensorProto', rule: 'repeated' },
            docString: { id: 10, type: 'string' },
            input: { id: 11, type: 'ValueInfoProto', rule: 'repeated' },
            output: { id: 12, type: 'ValueInfoProto', rule: 'repeated' },
          },
        },
        NodeProto: {
          fields: {
            input: { id: 1, type: 'string', rule: 'repeated' },
            output: { id: 2, type: 'string', rule: 'repeated' },
            name: { id: 3, type: 'string' },
            opType: { id: 4, type: 'string' },
            domain: { id: 7, type: 'string' },
            attribute: { id: 5, type: 'AttributeProto', rule: 'repeated' },
            docString: { id: 6, type: 'string' },
          },
        },
        AttributeProto: {
          fields: {
            name: { id: 1, type: 'string' },
            type: { id: 20, type: 'int32' },
            f: { id: 2, type: 'float' },
            i: { id: 3, type: 'int64' },
            s: { id: 4, type: 'bytes' },
            floats: { id: 7, type: 'float', rule: 'repeated' },
            ints: { id: 8, type: 'int64', rule: 'repeated' },
            strings: { id: 9, type: 'bytes', rule: 'repeated' },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { id: 1, type: 'string' },
            type: { id: 2, type: 'TypeProto' },
          },
        },
        TypeProto: {
          fields: { tensorType: { id: 1, type: 'TensorTypeProto' } },
        },
        // TypeProto.Tensor in onnx.proto (a nested message; the name only matters to protobufjs).
        TensorTypeProto: {
          fields: {
            elemType: { id: 1, type: 'int32' },
            shape: { id: 2, type: 'TensorShapeProto' },
          },
        },
        TensorShapeProto: {
          fields: { dim: { id: 1, type: 'Dimension', rule: 'repeated' } },
        },
        // TensorShapeProto.Dimension: dim_value and dim_param are a oneof (set one).
        Dimension: {
          fields: {
            dimValue: { id: 1, type: 'int64' },
            dimParam: { id: 2, type: 'string' },
          },
        },
        TensorProto: {
          fields: {
            dims: { id: 1, type: 'int64', rule: 'repeated' },
            dataType: { id: 2, type: 'int32' },
            int64Data: { id: 7, type: 'int64', rule: 'repeated', options: { packed: true } },
            name: { id: 8, type: 'string' },
            rawData: { id: 9, type: 'bytes' },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** The ModelProto message type: `encode(model).finish()` gives the .onnx bytes. */
export const ModelProto = root.lookupType('onnx.ModelProto');
