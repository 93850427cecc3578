// Plain node:http requests for what fetch hides or forbids: a chosen Host header, the body bytes exactly as sent on
// the wire (no automatic decompression), and headers fetch would add on its own (Accept-Encoding).
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (still compressed when the server compressed it). */
  body: Buffer;
  /** The body parsed as JSON when it is JSON text, else undefined. */
  json: (Record<string, unknown> & { error?: string }) | undefined;
}

export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: RawResponse['json'];
        if (
          String(res.headers['content-type'] ?? '').startsWith('application/json') &&
          !res.headers['content-encoding']
        ) {
          json = JSON.parse(body.toString('utf8')) as RawResponse['json'];
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
