// Hash routes (#/models, #/models/digits-mlp/2, #/serve, …): they work the same from file-less web mode and the
// desktop window, and survive reloads.
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'models' }
  | { page: 'version'; name: string; version: number }
  | { page: 'serve' }
  | { page: 'settings' }
  | { page: 'coming'; title: string };

export const COMING_NEXT: Record<string, string> = {
  'load-test': 'Load test',
  compare: 'Compare',
  rollouts: 'Rollouts',
  export: 'Export',
};

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, name, version] = parts;
  if (first === 'models' && name && version && /^\d+$/.test(version))
    return { page: 'version', name, version: Number(version) };
  if (first === 'serve') return { page: 'serve' };
  if (first === 'settings') return { page: 'settings' };
  if (first && COMING_NEXT[first]) return { page: 'coming', title: COMING_NEXT[first]! };
  return { page: 'models' };
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export function versionPath(name: string, version: number): string {
  return `#/models/${encodeURIComponent(name)}/${version}`;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
