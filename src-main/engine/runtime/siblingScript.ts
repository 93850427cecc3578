// Finds the script of a worker thread or child process next to the module that starts it: the built .js in
// production, or the TypeScript source (loaded through tsx) when tests run from sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export interface SiblingScript {
  path: string;
  url: URL;
  /** True when this is a .ts source that needs tsx to load. */
  fromSource: boolean;
  /** Node flags a child process needs to load it. */
  execArgv: string[];
}

export function siblingScript(callerUrl: string, baseName: string): SiblingScript {
  const built = new URL(`./${baseName}.js`, callerUrl);
  if (existsSync(fileURLToPath(built)))
    return { path: fileURLToPath(built), url: built, fromSource: false, execArgv: [] };
  const source = new URL(`./${baseName}.ts`, callerUrl);
  if (existsSync(fileURLToPath(source))) {
    return { path: fileURLToPath(source), url: source, fromSource: true, execArgv: ['--import', 'tsx'] };
  }
  throw new Error(`${baseName}.js not found next to ${fileURLToPath(callerUrl)}; run \`npm run build\``);
}

/** Starts a worker thread on a sibling script. Workers ignore --import, so sources register tsx first. */
export function startSiblingWorker(script: SiblingScript, options: WorkerOptions): Worker {
  if (!script.fromSource) return new Worker(script.url, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script.url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
