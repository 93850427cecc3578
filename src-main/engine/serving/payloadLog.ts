// Opt-in request payload logging: sampled, with the listed input names' data replaced, and only the JSON
// header of binary requests (tensor bytes are never logged).

export interface PayloadLogOptions {
  /** Fraction of requests logged, 0..1. */
  sampleRate: number;
  /** Input (or top-level) names whose values are replaced by "[redacted]". */
  redact: string[];
}

/** The payload as a log line. The nesting is measured before parsing and bounds the redaction's recursion, so a
 * body too deep to log is described by its size instead (and the decoder answers it 400). */
export function describePayload(
  body: Buffer,
  headerLength: number | undefined,
  redact: readonly string[],
  maxDepth: number,
): string {
  const json = body.subarray(0, Math.min(headerLength ?? body.length, body.length));
  if (nestedDeeperThan(json, maxDepth)) return `(${body.length} bytes, JSON nested deeper than ${maxDepth} levels)`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    return `(${body.length} bytes, not JSON)`;
  }
  return JSON.stringify(redactValue(parsed, new Set(redact)));
}

const [QUOTE, BACKSLASH] = [0x22, 0x5c];
const [OPEN_BRACKET, OPEN_BRACE, CLOSE_BRACKET, CLOSE_BRACE] = [0x5b, 0x7b, 0x5d, 0x7d];

/** Whether brackets and braces outside strings nest deeper than `maxDepth`: one pass, no parsing. */
function nestedDeeperThan(json: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return false;
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
