// `slipway keys create|list|revoke`: API keys for serving beyond loopback (a loopback serve ignores them).
import type { Command } from 'commander';
import { table } from '../output';
import { withEngine } from '../withEngine';
import type { RunAction } from '../runAction';

export function registerKeysCommand(program: Command, act: RunAction): void {
  const keys = program
    .command('keys')
    .description(
      'API keys `slipway serve` requires when bound beyond loopback (on loopback it asks only for an --api-key given to it)',
    );
  keys
    .command('create')
    .description('create a key; it is printed once and only its hash is stored')
    .argument('<name>', 'a name to recognise and revoke it by')
    .action(function (this: Command, name: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const { key, stored } = engine.apiKeys.create(name);
          out.result({ name: stored.name, key, createdAt: stored.createdAt }, (r) =>
            [`created API key '${r.name}' (shown once; keep it somewhere safe):`, r.key].join('\n'),
          );
        }),
      );
    });
  keys
    .command('list')
    .description('list keys (names and hints, never the keys)')
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const list = engine.apiKeys.list().map(({ name, hint, createdAt }) => ({ name, hint, createdAt }));
          out.result(list, (l) =>
            l.length === 0
              ? 'no API keys'
              : table(
                  ['NAME', 'ENDS', 'CREATED'],
                  l.map((k) => [k.name, k.hint, k.createdAt]),
                ),
          );
        }),
      );
    });
  keys
    .command('revoke')
    .description('revoke a key (running servers keep the keys they started with until restarted)')
    .argument('<name>')
    .action(function (this: Command, name: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          engine.apiKeys.revoke(name);
          out.result({ revoked: name }, (r) => `revoked API key '${r.revoked}'`);
        }),
      );
    });
}
