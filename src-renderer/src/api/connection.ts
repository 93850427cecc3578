// Where the engine is and the token to reach it: from the desktop preload (window.slipway), or in web mode
// from the URL fragment (#token=…), kept for this tab so a reload keeps working.
import type { DesktopBridge } from '../../../src-shared/contract';

export type { DesktopBridge };

declare global {
  interface Window {
    slipway?: DesktopBridge;
  }
}

export interface Connection {
  apiBase: string;
  token: string;
  desktop: DesktopBridge | undefined;
}

const TOKEN_KEY = 'slipway.token';

export function findConnection(): Connection | undefined {
  if (window.slipway) return { apiBase: window.slipway.apiBase, token: window.slipway.token, desktop: window.slipway };
  const fromFragment = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromFragment) {
    sessionStorage.setItem(TOKEN_KEY, fromFragment);
    // Keep the token out of the address bar (and out of screenshots and bookmarks).
    history.replaceState(null, '', `${window.location.pathname}#/models`);
  }
  const token = fromFragment ?? sessionStorage.getItem(TOKEN_KEY);
  return token ? { apiBase: window.location.origin, token, desktop: undefined } : undefined;
}
