// `slipway web`: the app in a browser tab. The engine and its control plane run in this process and serve the
// same UI the desktop window shows; the printed URL carries the per-launch token in its fragment.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { startEngineHost } from '../../engine/engineHost';
import { untilStopSignal } from '../../engine/untilStopSignal';
import { integerOption } from '../optionParsers';
import type { RunAction } from '../runAction';

export function registerWebCommand(program: Command, act: RunAction): void {
  program
    .command('web')
    .description('run the app in a browser tab (web mode) until Ctrl-C')
    .option('--port <n>', 'control-plane port (0 picks a free one)', integerOption('--port', 0, 65535), 0)
    .option('--no-open', 'print the URL without opening a browser')
    .action(function (this: Command) {
      return act(this, async (out, opts) => {
        const flags = this.opts<{ port: number; open: boolean }>();
        const host = await startEngineHost({ home: opts.home, port: flags.port, webMode: true });
        // Listening before the address is printed: whoever reads it may stop this process at once.
        const stopSignal = untilStopSignal();
        const url = host.control.uiUrl;
        if (out.json) process.stdout.write(`${JSON.stringify({ event: 'ready', url, home: host.engine.home })}\n`);
        else
          process.stdout.write(
            `Slipway is running in web mode: open ${url}\n(library: ${host.engine.home}; Ctrl-C stops)\n`,
          );
        if (flags.open) openBrowser(url);
        await stopSignal;
        await host.stop();
      });
    });
}

/** Best effort: the URL is printed either way, so a machine without a browser loses nothing. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}
