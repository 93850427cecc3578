// The sample data shipped in resources/data (JSON Lines, one sample per row), for "Try it" in the UI: which
// files there are, which inputs their rows carry, and any single row.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleFile } from '../../src-shared/contract';
import { UserError } from './userError';

interface Loaded {
  info: SampleFile;
  lines: string[];
}

export class SampleFiles {
  private loaded: Map<string, Loaded> | undefined;

  constructor(private readonly dataDir: string | undefined) {}

  list(): SampleFile[] {
    return [...this.load().values()].map((l) => l.info);
  }

  row(file: string, index: number): { inputs: Record<string, unknown>; label?: unknown } {
    const loaded = this.load().get(file);
    if (!loaded)
      throw new UserError('not-found', `no sample file '${file}'; files are: ${[...this.load().keys()].join(', ')}`);
    const line = loaded.lines[index];
    if (line === undefined) {
      throw new UserError('not-found', `${file} has rows 0..${loaded.lines.length - 1}; there is no row ${index}`);
    }
    return JSON.parse(line) as { inputs: Record<string, unknown>; label?: unknown };
  }

  /** Files are read once: they ship with the app and are small (under 0.5 MB each). */
  private load(): Map<string, Loaded> {
    if (this.loaded) return this.loaded;
    this.loaded = new Map();
    if (!this.dataDir) return this.loaded;
    for (const file of readdirSync(this.dataDir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()) {
      const lines = readFileSync(join(this.dataDir, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      const first = lines[0] ? (JSON.parse(lines[0]) as { inputs?: Record<string, unknown>; label?: unknown }) : {};
      this.loaded.set(file, {
        lines,
        info: { file, rows: lines.length, inputs: Object.keys(first.inputs ?? {}).sort(), hasLabel: 'label' in first },
      });
    }
    return this.loaded;
  }
}
