// The library as the data plane's model source: which versions a model serves by default (its production
// versions, else its latest), their files, effective settings and fallback.
import type { Fallback } from '../../src-shared/contract';
import type { ModelLibrary } from './library/modelLibrary';
import type { ServingConfig } from './library/servingConfig';
import type { ModelSource, ServableVersion } from './serving/modelSource';
import { notFound } from './serving/servingError';
import { isUserError } from './userError';

export class LibraryModelSource implements ModelSource {
  constructor(
    private readonly library: ModelLibrary,
    private readonly config: ServingConfig,
    /** Overrides applied on top of stored settings for this serving session (CLI flags). */
    private readonly sessionOverrides: (settings: ServableVersion['settings']) => ServableVersion['settings'] = (s) =>
      s,
    /** Every model's fallback for this serving session instead of the stored one (CLI `serve --fallback`). */
    private readonly sessionFallback?: Fallback,
  ) {}

  list(): { model: string; versions: number[] }[] {
    return this.library.list().map((m) => ({ model: m.name, versions: m.versions.map((v) => v.version) }));
  }

  resolve(model: string, versions?: number[]): ServableVersion[] {
    let all;
    try {
      all = this.library.versionsOf(model);
    } catch (error) {
      if (isUserError(error)) throw notFound(error.message);
      throw error;
    }
    let chosen = all;
    if (versions && versions.length > 0) {
      chosen = versions.map((n) => {
        const found = all.find((v) => v.version === n);
        if (!found)
          throw notFound(
            `${all[0]!.model} has no version ${n}; its versions are ${all.map((v) => v.version).join(', ')}`,
          );
        return found;
      });
    } else {
      const production = all.filter((v) => v.stage === 'production');
      chosen = production.length > 0 ? production : [all.at(-1)!];
    }
    // A fallback version must be loaded to answer, but only answers as the fallback.
    const fallback = this.fallback(all[0]!.model);
    const extra =
      fallback.kind === 'version' && !chosen.some((v) => v.version === fallback.version)
        ? all.find((v) => v.version === fallback.version)
        : undefined;
    return [...chosen, ...(extra ? [extra] : [])].map((v) => ({
      model: v.model,
      version: v.version,
      modelPath: this.library.filePath(v),
      weightBytes: v.inspection.parameterBytes,
      signature: v.inspection,
      settings: this.sessionOverrides(this.config.effective(v).settings),
      fallbackOnly: v === extra,
    }));
  }

  fallback(model: string): Fallback {
    return this.sessionFallback ?? this.config.fallback(model);
  }
}
