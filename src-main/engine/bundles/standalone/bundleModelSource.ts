// The standalone server's model source: the versions listed in slipway-server.json, each served with the
// settings exported with it. Every listed version is served; a model's fallback version only answers as the
// fallback (as in the library) unless it is the model's only version.
import { join } from 'node:path';
import type { Fallback, StandaloneServerConfig } from '../../../../src-shared/contract';
import type { ModelSource, ServableVersion } from '../../serving/modelSource';
import { notFound } from '../../serving/servingError';

type Entry = StandaloneServerConfig['models'][number];

export class BundleModelSource implements ModelSource {
  /** Lower-cased name → entries by version, as model names are matched case-insensitively when serving. */
  private readonly byModel = new Map<string, Entry[]>();

  constructor(
    config: StandaloneServerConfig,
    /** Folder the config's model paths are relative to. */
    private readonly baseDir: string,
  ) {
    for (const entry of config.models) {
      const key = entry.model.toLowerCase();
      this.byModel.set(
        key,
        [...(this.byModel.get(key) ?? []), entry].sort((a, b) => a.version - b.version),
      );
    }
  }

  list(): { model: string; versions: number[] }[] {
    return [...this.byModel.values()].map((entries) => ({
      model: entries[0]!.model,
      versions: entries.map((e) => e.version),
    }));
  }

  resolve(model: string, versions?: number[]): ServableVersion[] {
    const entries = this.entriesOf(model);
    const name = entries[0]!.model;
    const fallback = this.fallback(name);
    const fallbackVersion = fallback.kind === 'version' ? fallback.version : undefined;
    let chosen: Entry[];
    if (versions && versions.length > 0) {
      chosen = versions.map((n) => {
        const found = entries.find((e) => e.version === n);
        if (!found)
          throw notFound(`${name} has no version ${n}; its versions are ${entries.map((e) => e.version).join(', ')}`);
        return found;
      });
    } else {
      const served = entries.filter((e) => e.version !== fallbackVersion);
      chosen = served.length > 0 ? served : entries;
    }
    const extra =
      fallbackVersion !== undefined && !chosen.some((e) => e.version === fallbackVersion)
        ? entries.find((e) => e.version === fallbackVersion)
        : undefined;
    return [...chosen, ...(extra ? [extra] : [])].map((e) => ({
      model: e.model,
      version: e.version,
      modelPath: join(this.baseDir, ...e.path.split('/')),
      weightBytes: e.weightBytes,
      signature: e.signature,
      settings: e.settings,
      fallbackOnly: e === extra,
    }));
  }

  fallback(model: string): Fallback {
    return this.entriesOf(model)[0]!.fallback;
  }

  private entriesOf(model: string): Entry[] {
    const entries = this.byModel.get(model.toLowerCase());
    if (!entries) {
      const names = this.list().map((m) => m.model);
      throw notFound(`no model named '${model}'; this server has: ${names.join(', ')}`);
    }
    return entries;
  }
}
