// Finds the script of a worker thread or child process next to the module that starts it: the built .js in
// production, the TypeScript source (loaded through tsx) when tests run from sources, or — in the standalone
// server's single file — that file itself with a role argument.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { ROLE_FLAG, SINGLE_FILE } from './singleFile';

export interface SiblingScript {
  path: string;
  url: URL;
  /** True when this is a .ts source that needs tsx to load. */
  fromSource: boolean;
  /** Node flags a child process needs to load it. */
  execArgv: string[];
  /** Arguments to start it with (the role, in the single file). */
  args: string[];
}

export function siblingScript(callerUrl: string, baseName: string): SiblingScript {
  // Bundled, callerUrl is the single file itself; its entry dispatches on the role.
  if (SINGLE_FILE) {
    const self = new URL(callerUrl);
    return { path: fileURLToPath(self), url: self, fromSource: false, execArgv: [], args: [ROLE_FLAG, baseName] };
  }
  const built = new URL(`./${baseName}.js`, callerUrl);
  if (existsSync(fileURLToPath(built)))
    return { path: fileURLToPath(built), url: built, fromSource: false, execArgv: [], args: [] };
  const source = new URL(`./${baseName}.ts`, callerUrl);
  if (existsSync(fileURLToPath(source))) {
    return { path: fileURLToPath(source), url: source, fromSource: true, execArgv: ['--import', 'tsx'], args: [] };
  }
  throw new Error(`${baseName}.js not found next to ${fileURLToPath(callerUrl)}; run \`npm run build\``);
}

/** Starts a worker thread on a sibling script. Workers ignore --import, so sources register tsx first. */
export function startSiblingWorker(script: SiblingScript, options: WorkerOptions): Worker {
  if (!script.fromSource)
    return new Worker(script.url, { ...options, argv: [...(options.argv ?? []), ...script.args] });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script.url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
