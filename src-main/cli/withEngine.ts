// Opens the engine for one CLI command and always closes it (pools drained, database closed).
import { Engine } from '../engine/engine';
import type { Output } from './output';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  debug?: boolean;
}

export async function withEngine<T>(
  options: GlobalOptions,
  out: Output,
  fn: (engine: Engine) => Promise<T> | T,
): Promise<T> {
  const engine = Engine.open({ home: options.home });
  try {
    if (engine.sweptOrphans.length > 0)
      out.warn(`removed ${engine.sweptOrphans.length} file(s) an interrupted import left behind`);
    if (engine.demoSeed?.imported.length) {
      out.warn(`new library at ${engine.home}: imported ${engine.demoSeed.imported.length} demo models`);
    }
    for (const problem of engine.demoSeed?.problems ?? []) out.warn(`demo library: ${problem}`);
    return await fn(engine);
  } finally {
    await engine.close();
  }
}
