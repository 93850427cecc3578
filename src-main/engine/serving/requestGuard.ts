// The data plane's front door: Host allowlist (DNS rebinding), API keys (required whenever any are given), and
// CORS only for origins the user listed.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { ServingError } from './servingError';

export interface GuardOptions {
  /** The address the server is bound to. */
  host: string;
  /** Names besides loopback and the bound address that may appear in Host (e.g. a LAN hostname). */
  allowedHosts: string[];
  corsOrigins: string[];
  /** sha256 hex digests of accepted API keys; empty means no key is required. */
  apiKeyHashes: string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1', '[::1]'];

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class RequestGuard {
  private readonly hosts: Set<string>;
  private readonly keyDigests: Buffer[];
  private readonly anyHost: boolean;

  constructor(private readonly options: GuardOptions) {
    // Bound to every interface: any of the machine's addresses may be in Host, but names must still be listed.
    this.anyHost = options.host === '0.0.0.0' || options.host === '::';
    this.hosts = new Set([...LOOPBACK_NAMES, options.host, ...options.allowedHosts].map((h) => h.toLowerCase()));
    this.keyDigests = options.apiKeyHashes.map((h) => Buffer.from(h, 'hex'));
  }

  get keyRequired(): boolean {
    return this.keyDigests.length > 0;
  }

  /** Throws 403 unless Host names this server; browsers send the attacker's name after a DNS rebinding. */
  checkHost(headers: IncomingHttpHeaders): void {
    const raw = headers.host;
    if (!raw) throw new ServingError(403, 'missing Host header; expected the address this server listens on');
    const name = hostName(raw).toLowerCase();
    if (this.hosts.has(name) || (this.anyHost && isIP(name.replace(/^\[|\]$/g, '')) !== 0)) return;
    const allowed = [...this.hosts].join(', ');
    throw new ServingError(
      403,
      `Host '${raw}' is not allowed; expected one of ${allowed} (add names with --allow-host)`,
    );
  }

  /** Throws 401 unless an accepted key is given as `Authorization: Bearer <key>` or `X-API-Key: <key>`; returns
   * the key's digest (the caller's identity for quotas), or undefined when no key is required. */
  checkApiKey(headers: IncomingHttpHeaders): string | undefined {
    if (!this.keyRequired) return undefined;
    const auth = headers.authorization;
    const given =
      typeof auth === 'string' && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '') : headers['x-api-key'];
    if (typeof given !== 'string' || given === '') {
      throw new ServingError(401, 'an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>');
    }
    const hex = hashApiKey(given);
    const digest = Buffer.from(hex, 'hex');
    if (!this.keyDigests.some((d) => timingSafeEqual(d, digest)))
      throw new ServingError(401, 'the API key is not valid');
    return hex;
  }

  /** CORS response headers for an allowed Origin; none otherwise (the browser then blocks the response). */
  corsHeaders(headers: IncomingHttpHeaders): Record<string, string> {
    const origin = headers.origin;
    if (!origin || !this.options.corsOrigins.includes(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-expose-headers': 'Inference-Header-Content-Length, Retry-After',
    };
  }

  preflightHeaders(headers: IncomingHttpHeaders): Record<string, string> | undefined {
    const cors = this.corsHeaders(headers);
    if (!cors['access-control-allow-origin']) return undefined;
    return {
      ...cors,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'Content-Type, Content-Encoding, Authorization, X-API-Key, Inference-Header-Content-Length',
      'access-control-max-age': '600',
    };
  }
}

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon > 0 ? hostHeader.slice(0, colon) : hostHeader;
}
