// CPU time of the calling thread, so the engine's CPU figure can leave out the load generator's own threads.
// Linux exposes it per thread in /proc/thread-self/stat; elsewhere it is unknown (null).
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;
let unavailable = process.platform !== 'linux';

/** User + system CPU time of this thread in ms, or null where the platform does not say. */
export function threadCpuMs(): number | null {
  if (unavailable) return null;
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    unavailable = true;
    return null;
  }
}
