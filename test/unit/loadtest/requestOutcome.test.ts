// How a load test counts each request: every status by kind, socket failures as connection errors, and a
// degraded answer recognised from its JSON header alone, however the body arrives in chunks.
import { describe, expect, it } from 'vitest';
import {
  OUTCOME_CANCELLED,
  OUTCOME_CONNECTION,
  OUTCOME_DEGRADED,
  OUTCOME_ERROR,
  OUTCOME_RUNTIME_OK,
  OUTCOME_TIMEOUT,
} from '../../../src-main/engine/loadtest/loadGeneratorProtocol';
import {
  DegradedScanner,
  errorOutcome,
  headerLengthOf,
  outcomeKey,
} from '../../../src-main/engine/loadtest/requestOutcome';

describe('outcomeKey', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [OUTCOME_RUNTIME_OK, 'ok'],
    [OUTCOME_DEGRADED, 'degraded'],
    [429, 'shed'],
    [503, 'shed'],
    [400, 'http:400'],
    [404, 'http:404'],
    [500, 'http:500'],
    [502, 'http:502'],
    [OUTCOME_TIMEOUT, 'timeout'],
    [OUTCOME_CONNECTION, 'connection'],
    [OUTCOME_CANCELLED, 'cancelled'],
    [OUTCOME_ERROR, 'error'],
  ])('%s counts as %s', (outcome, key) => expect(outcomeKey(outcome)).toBe(key));
});

describe('errorOutcome', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])(
    '%s is a connection error',
    (code) => expect(errorOutcome(withCode(code))).toBe(OUTCOME_CONNECTION),
  );
  it('finds the code on a wrapped cause', () => {
    expect(errorOutcome(Object.assign(new Error('fetch failed'), { cause: withCode('ECONNREFUSED') }))).toBe(
      OUTCOME_CONNECTION,
    );
  });
  it('anything else is an error', () => {
    expect(errorOutcome(withCode('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'))).toBe(OUTCOME_ERROR);
    expect(errorOutcome('boom')).toBe(OUTCOME_ERROR);
  });
});

describe('DegradedScanner', () => {
  const scan = (chunks: string[], headerBytes?: number) => {
    const s = new DegradedScanner(headerBytes);
    for (const c of chunks) s.feed(Buffer.from(c));
    return s.found;
  };
  const degraded =
    '{"model_name":"m","model_version":"2","parameters":{"degraded":true,"reason":"v3 failed"},"outputs":[]}';

  it('finds the flag in one chunk, compact or spaced', () => {
    expect(scan([degraded])).toBe(true);
    expect(scan(['{"parameters": {"degraded": true}}'])).toBe(true);
    expect(scan(['{"model_name":"m","outputs":[{"name":"degraded","data":[1]}]}'])).toBe(false);
    expect(scan(['{"parameters":{"degraded":false}}'])).toBe(false);
  });

  it('finds it split across chunks at every position', () => {
    for (let cut = 1; cut < degraded.length; cut++) {
      expect(scan([degraded.slice(0, cut), degraded.slice(cut)])).toBe(true);
    }
    const bytes = [...degraded];
    expect(scan(bytes)).toBe(true);
  });

  it('looks only at the JSON header of a binary response', () => {
    const header = '{"outputs":[{"name":"y","parameters":{"binary_data_size":15}}]}';
    expect(scan([header, '"degraded":true'], header.length)).toBe(false);
    expect(scan([header + '"degraded":true'], header.length)).toBe(false);
    expect(scan([degraded + 'xxxx'], degraded.length)).toBe(true);
  });

  it('reads Inference-Header-Content-Length', () => {
    expect(headerLengthOf({ 'inference-header-content-length': '120' })).toBe(120);
    expect(headerLengthOf({})).toBe(Infinity);
    expect(headerLengthOf({ 'inference-header-content-length': 'x' })).toBe(Infinity);
  });
});
