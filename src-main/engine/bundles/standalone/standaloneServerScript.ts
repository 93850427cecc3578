// Finds the built standalone server (out/standalone/server.js, from scripts/buildStandalone.mjs) above this module:
// the project root in a checkout, whether running from sources or from out/main, or app.asar in a packaged app.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../userError';

const BUILT = join('out', 'standalone', 'server.js');

export function standaloneServerScript(fromUrl: string = import.meta.url): string {
  const start = dirname(fileURLToPath(fromUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, BUILT);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new UserError(
    'unavailable',
    `the standalone server is not built (no ${BUILT} above ${start}); run \`npm run build\` in the Slipway project`,
  );
}
