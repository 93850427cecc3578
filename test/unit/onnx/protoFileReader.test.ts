import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ProtoFileReader,
  ProtoReadError,
  type FieldTag,
  type ProtoFileReaderOptions,
} from '../../../src-main/engine/onnx/protoFileReader';
import { tempDir } from '../../helpers/tempDir';

const dir = tempDir();
const opened: ProtoFileReader[] = [];
afterAll(() => {
  for (const reader of opened) reader.close();
});

// An encoder written independently of the one under src-main, so the reader is checked against known bytes.
function varint(value: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}
const tag = (field: number, wireType: number) => varint(field * 8 + wireType);
const len = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];

let fileCount = 0;
function readerOver(bytes: number[] | Buffer, options: ProtoFileReaderOptions = { windowBytes: 16 }): ProtoFileReader {
  const file = path.join(dir, `bytes-${fileCount++}.bin`);
  fs.writeFileSync(file, Buffer.from(bytes));
  const reader = ProtoFileReader.open(file, options);
  opened.push(reader);
  return reader;
}

function caught(fn: () => unknown): ProtoReadError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtoReadError) return error;
    throw error;
  }
  throw new Error('expected a ProtoReadError');
}

describe('ProtoFileReader', () => {
  it('reads varints across the full 64-bit range, int64 negatives as negative numbers', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, -1, -2, -(2 ** 31), -(2 ** 40)];
    const reader = readerOver(values.flatMap((v) => varint(v)));
    expect(values.map(() => reader.readVarint())).toEqual(values);
    expect(reader.atEnd()).toBe(true);
    expect(varint(-1)).toHaveLength(10);
  });

  it('reads uint64 varints as unsigned', () => {
    const reader = readerOver([...varint(2n ** 64n - 1n), ...varint(2n ** 63n)]);
    expect(reader.readUint64()).toBe(Number(2n ** 64n - 1n));
    expect(reader.readUint64()).toBe(2 ** 63);
  });

  it('reads tags, fixed-width numbers and strings', () => {
    const fixed = Buffer.alloc(24);
    fixed.writeUInt32LE(0xdeadbeef, 0);
    fixed.writeFloatLE(1.5, 4);
    fixed.writeDoubleLE(-2.25, 8);
    fixed.writeBigUInt64LE(2n ** 40n + 7n, 16);
    const text = [...Buffer.from('héllo, protobuf')];
    const reader = readerOver([...tag(3, 5), ...fixed, ...len(12, text)], { windowBytes: 8 });
    expect(reader.readTag()).toEqual({ field: 3, wireType: 5, offset: 0 });
    expect(reader.readFixed32()).toBe(0xdeadbeef);
    expect(reader.readFloat()).toBe(1.5);
    expect(reader.readDouble()).toBe(-2.25);
    expect(reader.readFixed64()).toBe(2 ** 40 + 7);
    const stringTag = reader.readTag();
    expect(stringTag.field).toBe(12);
    expect(reader.stringField(stringTag)).toBe('héllo, protobuf');
  });

  it('reads repeated varints in packed and unpacked form', () => {
    const packed = [1, 300, -5].flatMap((v) => varint(v));
    const reader = readerOver([...len(1, packed), ...tag(1, 0), ...varint(42)]);
    const values: number[] = [];
    reader.readFields('Test', (t) => {
      values.push(...reader.repeatedVarintField(t));
      return true;
    });
    expect(values).toEqual([1, 300, -5, 42]);
  });

  it('reads nested messages within their bounds and skips unknown fields', () => {
    const inner = [...tag(1, 0), ...varint(7), ...len(9, [1, 2, 3]), ...tag(2, 0), ...varint(8)];
    const reader = readerOver([...len(5, inner), ...tag(6, 0), ...varint(99)]);
    const seen: string[] = [];
    reader.readFields('Outer', (t) => {
      if (t.field === 5) {
        reader.readMessage(t, 'Inner', (i) => {
          if (i.field === 9) return false;
          seen.push(`inner ${i.field}=${reader.varintField(i)}`);
          return true;
        });
      } else seen.push(`outer ${t.field}=${reader.varintField(t)}`);
      return true;
    });
    expect(seen).toEqual(['inner 1=7', 'inner 2=8', 'outer 6=99']);
  });

  it('seeks past a skipped length-delimited field without reading it', () => {
    const big = Buffer.alloc(1024 * 1024, 0xab);
    const header = Buffer.from([...tag(9, 2), ...varint(big.length)]);
    const trailer = Buffer.from([...tag(1, 0), ...varint(5)]);
    const reader = readerOver(Buffer.concat([header, big, trailer]), { windowBytes: 4096 });
    reader.readTag();
    expect(reader.skipLengthDelimited()).toBe(big.length);
    expect(reader.varintField(reader.readTag())).toBe(5);
    expect(reader.bytesRead).toBeLessThan(3 * 4096);
  });

  it('reads byte fields larger than its window', () => {
    const body = [...Buffer.alloc(100, 7)];
    const reader = readerOver(len(1, body));
    reader.readTag();
    expect([...reader.readBytes()]).toEqual(body);
  });

  it('reports a length that runs past the end of the file as truncated, with the byte it needed', () => {
    const reader = readerOver([...tag(7, 2), ...varint(1000), 1, 2, 3]);
    reader.readTag();
    const error = caught(() => reader.readLength());
    expect(error.kind).toBe('truncated');
    expect(error.needed).toBe(1003);
    expect(error.message).toContain('past the end of the 6-byte file');
  });

  it('reports a varint cut off at the end of the file as truncated', () => {
    const reader = readerOver([0x08, 0x80, 0x80]);
    reader.readTag();
    expect(caught(() => reader.readVarint()).kind).toBe('truncated');
  });

  it('rejects a field that runs past the end of its enclosing message as malformed', () => {
    // The inner message claims 4 bytes but holds a string field that claims 10.
    const reader = readerOver([...tag(1, 2), ...varint(4), ...tag(2, 2), ...varint(10), 0, 0, ...Array(20).fill(0)]);
    const error = caught(() =>
      reader.readFields('Outer', (t) => {
        reader.readMessage(t, 'Inner', (i) => {
          reader.stringField(i);
          return true;
        });
        return true;
      }),
    );
    expect(error.kind).toBe('malformed');
    expect(error.message).toMatch(/past the end of its enclosing message.*in Inner/);
  });

  it('rejects wrong wire types, invalid field numbers, group wire types and overlong varints', () => {
    const wrongType = readerOver([...tag(7, 0), 1]);
    const t: FieldTag = wrongType.readTag();
    expect(caught(() => wrongType.stringField(t)).message).toContain('field 7 is varint, expected length-delimited');

    expect(caught(() => readerOver([0x00]).readTag()).message).toContain('invalid field number 0');

    const group = readerOver([...tag(4, 3)]);
    expect(caught(() => group.skipField(group.readTag())).message).toContain('unsupported wire type 3');

    expect(caught(() => readerOver(Array(11).fill(0xff)).readVarint()).message).toContain('longer than 10 bytes');
  });

  it('refuses string fields larger than its limit instead of allocating them', () => {
    const reader = readerOver(len(1, Array(64).fill(65)), { maxBytesField: 32 });
    reader.readTag();
    expect(caught(() => reader.readBytes()).message).toContain('larger than the 32 bytes allowed');
  });
});
