// The payload log line: redacted as asked, and bounded in nesting before anything recursive sees the body, so
// a body deep enough to exhaust the stack is described by its size instead of crashing the request.
import { describe, expect, it } from 'vitest';
import { describePayload } from '../../../../src-main/engine/serving/payloadLog';

describe('describePayload', () => {
  it('replaces the listed inputs data and top-level fields', () => {
    const body = Buffer.from(
      JSON.stringify({ id: 'p-7', inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2], data: [5, 6] }] }),
    );
    expect(describePayload(body, undefined, ['features', 'id'], 64)).toBe(
      '{"id":"[redacted]","inputs":[{"name":"features","datatype":"FP32","shape":[1,2],"data":"[redacted]"}]}',
    );
  });

  it('describes a body nested deeper than the limit by its size, without parsing it', () => {
    const depth = 200_000;
    const body = Buffer.from(`{"inputs":[{"name":"x","data":${'['.repeat(depth)}1${']'.repeat(depth)}}]}`);
    expect(describePayload(body, undefined, [], 64)).toBe(`(${body.length} bytes, JSON nested deeper than 64 levels)`);
  });

  it('counts nesting exactly at the limit, and not brackets inside strings', () => {
    const atLimit = Buffer.from(`${'['.repeat(4)}"[[[[{{{{\\"["${']'.repeat(4)}`);
    expect(describePayload(atLimit, undefined, [], 4)).toBe('[[[["[[[[{{{{\\"["]]]]');
    const over = Buffer.from(`${'['.repeat(5)}1${']'.repeat(5)}`);
    expect(describePayload(over, undefined, [], 4)).toBe(`(11 bytes, JSON nested deeper than 4 levels)`);
  });

  it('reads only the JSON header of a binary request', () => {
    const header = Buffer.from('{"inputs":[{"name":"x","parameters":{"binary_data_size":4}}]}');
    const body = Buffer.concat([header, Buffer.from([0x5b, 0x5b, 0x7b, 0x22])]);
    expect(describePayload(body, header.length, [], 64)).toBe(header.toString());
  });
});
