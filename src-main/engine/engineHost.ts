// Runs the engine as a host for the UI: takes the home's engine lock, opens the library and starts the control
// plane (API, events, UI). The desktop app runs it in its engine process; `slipway web` runs it in the CLI's.
import { ControlServer } from './control/controlServer';
import { findUiDir } from './control/staticFiles';
import { Engine, type EngineOptions } from './engine';
import { resolveHome } from './homeFolder';
import { acquireHomeLock } from './homeLock';

export interface EngineHostOptions extends EngineOptions {
  /** Control-plane port (0: any free one). */
  port?: number;
  token?: string;
  webMode: boolean;
  log?: (line: string) => void;
}

export interface EngineHost {
  engine: Engine;
  control: ControlServer;
  /** Drains the endpoint and jobs, closes the library, then lets go of the home. */
  stop(): Promise<void>;
}

export async function startEngineHost(options: EngineHostOptions): Promise<EngineHost> {
  const home = resolveHome(options.home);
  // Before anything touches the home: a second host would sweep the first one's uploads and mark its runs
  // interrupted. CLI commands that only read and write the library take no lock; SQLite keeps them safe.
  const lock = acquireHomeLock(home);
  let engine: Engine | undefined;
  try {
    engine = Engine.open({ ...options, home });
    const control = await ControlServer.start({
      engine,
      port: options.port,
      token: options.token,
      uiDir: findUiDir(),
      webMode: options.webMode,
      log: options.log,
    });
    lock.setUrl(control.url);
    const opened = engine;
    let stopping: Promise<void> | undefined;
    return {
      engine: opened,
      control,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await control.close();
            await opened.close();
          } finally {
            lock.release();
          }
        })()),
    };
  } catch (error) {
    await engine?.close();
    lock.release();
    throw error;
  }
}
