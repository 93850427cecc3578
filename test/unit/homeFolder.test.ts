import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHome } from '../../src-main/engine/homeFolder';

describe('resolveHome', () => {
  it('prefers --home, then SLIPWAY_HOME, then the OS app-data folder', () => {
    expect(resolveHome('rel/home', { SLIPWAY_HOME: '/env/home' })).toBe(resolve('rel/home'));
    expect(resolveHome(undefined, { SLIPWAY_HOME: '/env/home' })).toBe('/env/home');
    if (process.platform === 'linux') {
      expect(resolveHome(undefined, {})).toBe(join(homedir(), '.config', 'slipway'));
      expect(resolveHome(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/slipway');
    }
  });
});
