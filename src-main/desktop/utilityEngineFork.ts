// The app's way to start the engine: an Electron utilityProcess (DESIGN.md §1), seen by the supervisor as an
// EngineChild.
import { utilityProcess } from 'electron';
import type { ForkEngine } from './engineSupervisor';

export const forkUtilityEngine: ForkEngine = (scriptPath, env) => {
  const child = utilityProcess.fork(scriptPath, [], { serviceName: 'Slipway engine', env, stdio: 'pipe' });
  return {
    get pid() {
      return child.pid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    postMessage: (message) => child.postMessage(message),
    kill: () => void child.kill(),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', listener),
  };
};
