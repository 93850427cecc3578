// Where a Slipway library lives: --home, else SLIPWAY_HOME, else the OS app-data folder (shared by CLI,
// web mode and the desktop app).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.SLIPWAY_HOME) return resolve(env.SLIPWAY_HOME);
  return join(appDataFolder(env), 'slipway');
}

/** The per-user app-data root Electron's `app.getPath('appData')` uses on each OS. */
function appDataFolder(env: NodeJS.ProcessEnv): string {
  switch (process.platform) {
    case 'win32':
      return env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support');
    default:
      return env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  }
}
