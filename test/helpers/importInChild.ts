// Child process for crash and concurrency tests: imports a file into a home, optionally killing itself with
// SIGKILL at a given import phase (the way a power cut or `kill -9` would), and prints the result as JSON.
// Usage: node --import tsx importInChild.ts HOME FILE NAME [crash-at-phase] [start-at-epoch-ms]
import { openLibrary } from './openLibrary';

const [home, file, name, crashAt, startAt] = process.argv.slice(2) as [string, string, string, string?, string?];

const { library, db } = openLibrary(home);
library.sweepOrphans();
// Concurrency tests line two processes up on a wall-clock instant so their imports really overlap.
if (startAt) while (Date.now() < Number(startAt)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
const result = library.importModel(file, {
  name,
  onProgress: (p) => {
    if (p.phase !== crashAt) return;
    // For 'copying', die half-way through the file so a partial temp file is left behind.
    if (p.phase === 'copying' && p.bytesDone < p.bytesTotal / 2) return;
    process.kill(process.pid, 'SIGKILL');
  },
});
db.close();
process.stdout.write(
  JSON.stringify({ created: result.created, version: result.version.version, sha256: result.version.sha256 }),
);
