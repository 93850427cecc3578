// Locates the app's resources/ folder (demo models, sample data): next to the project in a checkout or
// npm install, in the app's resources in a packaged build, or wherever SLIPWAY_RESOURCES points.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = 'demo-library.json';

export function findResourcesDir(
  fromUrl: string = import.meta.url,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env.SLIPWAY_RESOURCES) return resolve(env.SLIPWAY_RESOURCES);
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, MARKER))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
