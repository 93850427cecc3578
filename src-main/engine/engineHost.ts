// Runs the engine as a host for the UI: opens the library and starts the control plane (API, events, UI).
// The desktop app runs it in its engine process; `slipway web` runs it in the CLI's process.
import { ControlServer } from './control/controlServer';
import { findUiDir } from './control/staticFiles';
import { Engine, type EngineOptions } from './engine';

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
  /** Drains the endpoint and jobs, then closes the library. */
  stop(): Promise<void>;
}

export async function startEngineHost(options: EngineHostOptions): Promise<EngineHost> {
  const engine = Engine.open(options);
  try {
    const control = await ControlServer.start({
      engine,
      port: options.port,
      token: options.token,
      uiDir: findUiDir(),
      webMode: options.webMode,
      log: options.log,
    });
    let stopping: Promise<void> | undefined;
    return {
      engine,
      control,
      stop: () =>
        (stopping ??= (async () => {
          await control.close();
          await engine.close();
        })()),
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}
