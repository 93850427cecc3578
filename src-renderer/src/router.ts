// Hash routes (#/models, #/models/digits-mlp/2, #/serve, …): they work the same from file-less web mode and the
// desktop window, and survive reloads.
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'models' }
  | { page: 'version'; name: string; version: number }
  | { page: 'serve' }
  | { page: 'settings' }
  | { page: 'load-test'; view: LoadTestView }
  | { page: 'compare'; view: CompareView }
  | { page: 'rollouts' }
  | { page: 'export' };

/** #/load-test (new test), #/load-test/runs, #/load-test/runs/<id>, #/load-test/compare/<id>,<id>… */
export type LoadTestView =
  { kind: 'new' } | { kind: 'runs' } | { kind: 'run'; id: string } | { kind: 'compare'; ids: string[] };

/** #/compare (new comparison), #/compare/runs, #/compare/runs/<id>, #/compare/drift, #/compare/datasets,
 * #/compare/datasets/<id> */
export type CompareView =
  | { kind: 'new' }
  | { kind: 'runs' }
  | { kind: 'run'; id: string }
  | { kind: 'drift' }
  | { kind: 'datasets' }
  | { kind: 'dataset'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, name, version] = parts;
  if (first === 'models' && name && version && /^\d+$/.test(version))
    return { page: 'version', name, version: Number(version) };
  if (first === 'serve') return { page: 'serve' };
  if (first === 'settings') return { page: 'settings' };
  if (first === 'load-test') return { page: 'load-test', view: loadTestView(name, version) };
  if (first === 'rollouts') return { page: 'rollouts' };
  if (first === 'compare') return { page: 'compare', view: compareView(name, version) };
  if (first === 'export') return { page: 'export' };
  return { page: 'models' };
}

function loadTestView(section: string | undefined, arg: string | undefined): LoadTestView {
  if (section === 'runs') return arg ? { kind: 'run', id: arg } : { kind: 'runs' };
  if (section === 'compare' && arg) return { kind: 'compare', ids: arg.split(',').filter(Boolean) };
  return { kind: 'new' };
}

function compareView(section: string | undefined, arg: string | undefined): CompareView {
  if (section === 'runs') return arg ? { kind: 'run', id: arg } : { kind: 'runs' };
  if (section === 'datasets') return arg ? { kind: 'dataset', id: arg } : { kind: 'datasets' };
  if (section === 'drift') return { kind: 'drift' };
  return { kind: 'new' };
}

export function comparePath(view: CompareView): string {
  switch (view.kind) {
    case 'new':
      return '#/compare';
    case 'runs':
      return '#/compare/runs';
    case 'run':
      return `#/compare/runs/${encodeURIComponent(view.id)}`;
    case 'drift':
      return '#/compare/drift';
    case 'datasets':
      return '#/compare/datasets';
    case 'dataset':
      return `#/compare/datasets/${encodeURIComponent(view.id)}`;
  }
}

export function loadTestPath(view: LoadTestView): string {
  switch (view.kind) {
    case 'new':
      return '#/load-test';
    case 'runs':
      return '#/load-test/runs';
    case 'run':
      return `#/load-test/runs/${encodeURIComponent(view.id)}`;
    case 'compare':
      return `#/load-test/compare/${view.ids.map(encodeURIComponent).join(',')}`;
  }
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
