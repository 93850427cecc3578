// Finds the script of a worker thread or child process next to the module that starts it: the built .js in
// production, or the TypeScript source (loaded through tsx) when tests run from sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface SiblingScript {
  path: string;
  url: URL;
  /** Node flags the thread or process needs to load it. */
  execArgv: string[];
}

export function siblingScript(callerUrl: string, baseName: string): SiblingScript {
  const built = new URL(`./${baseName}.js`, callerUrl);
  if (existsSync(fileURLToPath(built))) return { path: fileURLToPath(built), url: built, execArgv: [] };
  const source = new URL(`./${baseName}.ts`, callerUrl);
  if (existsSync(fileURLToPath(source))) return { path: fileURLToPath(source), url: source, execArgv: ['--import', 'tsx'] };
  throw new Error(`${baseName}.js not found next to ${fileURLToPath(callerUrl)}; run \`npm run build\``);
}
