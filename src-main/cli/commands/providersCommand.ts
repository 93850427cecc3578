// `slipway providers`: every execution provider onnxruntime-node offers, whether it works here, and why not.
import type { Command } from 'commander';
import type { ProviderStatus } from '../../../src-shared/contract';
import { probeProviders } from '../../engine/runtime/providerProbe';
import { table } from '../output';
import type { RunAction } from '../runAction';

export function registerProvidersCommand(program: Command, act: RunAction): void {
  program
    .command('providers')
    .description('list execution providers, which work here, and the reason for each that does not')
    .action(function (this: Command) {
      return act(this, async (out) => {
        const statuses = await probeProviders();
        out.result(statuses, renderProviders);
      });
    });
}

export function renderProviders(statuses: ProviderStatus[]): string {
  return table(
    ['PROVIDER', 'KIND', 'BUNDLED', 'WORKS', 'DETAIL'],
    statuses.map((s) => [
      s.name,
      s.kind,
      s.bundled ? 'yes' : 'no',
      s.available ? 'yes' : 'no',
      s.available ? `session in ${s.probeMs} ms` : (s.reason ?? ''),
    ]),
  );
}
