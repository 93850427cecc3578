// Opt-in request payload logging: sampled, with the listed input names' data replaced, and only the JSON
// header of binary requests (tensor bytes are never logged).

export interface PayloadLogOptions {
  /** Fraction of requests logged, 0..1. */
  sampleRate: number;
  /** Input (or top-level) names whose values are replaced by "[redacted]". */
  redact: string[];
}

export function describePayload(body: Buffer, headerLength: number | undefined, redact: readonly string[]): string {
  const text = body.subarray(0, headerLength ?? body.length).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `(${body.length} bytes, not JSON)`;
  }
  return JSON.stringify(redactValue(parsed, new Set(redact)));
}

function redactValue(value: unknown, names: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, names));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const tensorName = (value as { name?: unknown }).name;
  return Object.fromEntries(
    entries.map(([k, v]) => {
      if (names.has(k)) return [k, '[redacted]'];
      if (k === 'data' && typeof tensorName === 'string' && names.has(tensorName)) return [k, '[redacted]'];
      return [k, redactValue(v, names)];
    }),
  );
}
