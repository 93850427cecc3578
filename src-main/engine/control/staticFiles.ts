// Serves the built renderer under /ui/ with a strict Content-Security-Policy: the same files whether the window
// is Electron's or a browser tab in web mode.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../userError';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** No inline scripts, no eval, no remote anything: the page talks only to the engine that served it. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** Finds the built renderer: out/renderer next to the build, or SLIPWAY_UI_DIR. */
export function findUiDir(fromUrl: string = import.meta.url, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SLIPWAY_UI_DIR) return resolve(env.SLIPWAY_UI_DIR);
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    for (const candidate of [join(dir, 'out', 'renderer'), join(dir, 'renderer')]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export class StaticFiles {
  private readonly cache = new Map<string, StaticFile>();

  constructor(private readonly root: string) {}

  /**
   * The file for a path under /ui/ (index.html for the folder itself); undefined when there is none. A path that
   * is not valid percent-encoding is a bad request (UserError), not a missing file.
   */
  get(relative: string): StaticFile | undefined {
    const clean = normalize(decodePath(relative || 'index.html')).replace(/^([/\\])+/, '');
    const path = join(this.root, clean);
    // normalize() resolved any '..': a path that still leaves the root is refused.
    if (!path.startsWith(this.root + sep) && path !== this.root) return undefined;
    const cached = this.cache.get(path);
    if (cached) return cached;
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    const file = { body: readFileSync(path), contentType: TYPES[extname(path)] ?? 'application/octet-stream' };
    this.cache.set(path, file);
    return file;
  }
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new UserError('bad-input', `the path /ui/${path.slice(0, 200)} is not valid percent-encoding`);
  }
}
