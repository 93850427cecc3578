// `slipway info`: where the library lives, what is in it, and which providers work — what `npm start` prints
// until the desktop app takes over.
import type { Command } from 'commander';
import { join } from 'node:path';
import type { LibraryInfo } from '../../../src-shared/contract';
import { APP_VERSION } from '../../engine/appVersion';
import { DATABASE_FILE } from '../../engine/store/openDatabase';
import type { RunAction } from '../runAction';
import { renderProviders } from './providersCommand';
import { withEngine } from '../withEngine';

export function registerInfoCommand(program: Command, act: RunAction): void {
  program
    .command('info')
    .description('show the library folder, its contents and the execution providers that work here')
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const models = engine.library.list();
          const info: LibraryInfo = {
            slipway: APP_VERSION,
            home: engine.home,
            database: join(engine.home, DATABASE_FILE),
            models: models.length,
            versions: models.reduce((n, m) => n + m.versions.length, 0),
            demoImported: engine.demoSeed?.imported ?? [],
            sweptOrphans: engine.sweptOrphans,
            providers: await engine.providers(),
          };
          out.result(info, (i) =>
            [
              `Slipway ${i.slipway}`,
              `library: ${i.home} (${i.models} models, ${i.versions} versions)`,
              ...(i.demoImported.length ? [`demo models: ${i.demoImported.join(', ')}`] : []),
              '',
              renderProviders(i.providers),
            ].join('\n'),
          );
        }),
      );
    });
}
