// The control API's export endpoints: the plan of what a bundle will hold, the export itself as a job (checked
// like the plan first, so a mistake is a 400 now rather than a failed job later), and revealing a bundle this
// engine wrote in the OS file manager — only those, so the endpoint cannot be used to open arbitrary paths — and
// importing a bundle back as a job.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { importBundle } from '../bundles/import/importBundle';
import type { Engine } from '../engine';
import { UserError } from '../userError';
import type { ControlHandlers } from './controlRoutes';
import type { JobManager } from './jobManager';
import { revealFolder, type RevealOutcome } from './revealFolder';

export interface ExportDeps {
  engine: Engine;
  jobs: JobManager;
  libraryChanged: (reason: string) => void;
  /** Opens a folder in the file manager; tests replace it. */
  reveal?: (folder: string) => Promise<RevealOutcome>;
}

export type ExportEndpointName = 'exportPlan' | 'startExport' | 'revealExport' | 'importBundle';

export function exportHandlers(deps: ExportDeps): Pick<ControlHandlers, ExportEndpointName> {
  const { engine, jobs } = deps;
  const reveal = deps.reveal ?? ((folder: string) => revealFolder(folder));
  /** A path the user may reveal → the folder that opens (an archive opens the folder holding it). */
  const revealable = new Map<string, string>();
  /** Bundle folders an export is writing now: a second export into one of them is refused. */
  const writing = new Set<string>();

  return {
    exportPlan: ({ body }) => engine.bundles.plan(body),
    startExport: ({ body }) => {
      const plan = engine.bundles.plan(body);
      const outDir = resolve(plan.outDir);
      if (writing.has(outDir))
        throw new UserError('conflict', `an export into ${outDir} is running; wait for it or pick another folder`);
      writing.add(outDir);
      const label = `${body.model}:${body.version}`;
      return jobs.startWith('export', `exporting ${label}`, async (ctx) => {
        try {
          // The folder the plan showed, even if the default would name another one by now.
          const result = await engine.bundles.run(
            { ...body, outDir: plan.outDir },
            { signal: ctx.signal, onProgress: (p) => ctx.progress(p.fraction, p.message) },
          );
          revealable.set(resolve(result.outDir), resolve(result.outDir));
          if (result.archive) {
            const archiveDir = dirname(resolve(result.archive));
            revealable.set(resolve(result.archive), archiveDir);
            revealable.set(archiveDir, archiveDir);
          }
          return { export: result };
        } finally {
          writing.delete(outDir);
        }
      });
    },
    revealExport: async ({ body }) => {
      const folder = revealable.get(resolve(body.path));
      if (folder === undefined) {
        throw new UserError(
          'bad-input',
          `${body.path} is not a bundle this engine exported since it started; only those folders can be revealed`,
        );
      }
      if (!existsSync(folder)) throw new UserError('not-found', `${folder} no longer exists`);
      return { path: folder, ...(await reveal(folder)) };
    },
    importBundle: ({ body }) => {
      if (!existsSync(body.path))
        throw new UserError('not-found', `no bundle at ${body.path}: expected a bundle folder or its .tar.gz`);
      return jobs.startWith('bundle-import', `importing bundle ${body.path}`, async (ctx) => {
        const bundleImport = await importBundle(engine, body.path, {
          name: body.name,
          signal: ctx.signal,
          onProgress: (fraction, message) => ctx.progress(fraction, message),
        });
        deps.libraryChanged(`imported ${bundleImport.model}:${bundleImport.version} from a bundle`);
        return { bundleImport };
      });
    },
  };
}
