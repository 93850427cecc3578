// Finds a worker thread's script next to the module that starts it: the built .js in production, or the
// TypeScript source (loaded through tsx) when tests run from sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WorkerScript {
  url: URL;
  execArgv: string[];
}

export function workerScript(callerUrl: string, baseName: string): WorkerScript {
  const built = new URL(`./${baseName}.js`, callerUrl);
  if (existsSync(fileURLToPath(built))) return { url: built, execArgv: [] };
  const source = new URL(`./${baseName}.ts`, callerUrl);
  if (existsSync(fileURLToPath(source))) return { url: source, execArgv: ['--import', 'tsx'] };
  throw new Error(`worker script ${baseName}.js not found next to ${fileURLToPath(callerUrl)}; run \`npm run build\``);
}
