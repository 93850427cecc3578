// Child process for the large-file and crash tests: imports a file into a home the way the CLI does (through
// the engine), optionally killing itself with SIGKILL once `killAt` of the file has been read, and prints
// the dataset's row count, the time and the process's peak RSS as JSON.
// Usage: node --import tsx importDatasetInChild.ts HOME FILE NAME [kill-at-fraction]
import { Engine } from '../../../src-main/engine/engine';

const [home, file, name, killAt] = process.argv.slice(2) as [string, string, string, string?];

const engine = Engine.open({ home, resourcesDir: null });
const started = performance.now();
const dataset = await engine.datasets.import(
  file,
  { name },
  {
    onProgress: (p) => {
      if (killAt !== undefined && p.phase === 'reading' && p.bytesDone >= Number(killAt) * p.bytesTotal) {
        process.kill(process.pid, 'SIGKILL');
      }
    },
  },
);
const seconds = (performance.now() - started) / 1000;
await engine.close();
process.stdout.write(
  JSON.stringify({
    rows: dataset.rows,
    sourceBytes: dataset.sourceBytes,
    seconds,
    // resourceUsage reports kilobytes.
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
