// Long CLI work (imports, exports, verification, load tests, comparisons) with Ctrl-C cancelling it through an
// AbortSignal — a second Ctrl-C exits at once — and the progress line cleared whatever happens.
import type { Output } from './output';

export async function withCancel<T>(out: Output, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const stop = () => {
    process.off('SIGINT', stop);
    process.once('SIGINT', () => process.exit(130));
    abort.abort();
  };
  process.on('SIGINT', stop);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', stop);
    out.endProgress();
  }
}

/** "verb 42%  message" on the progress line. */
export function progressLine(out: Output, verb: string): (fraction: number, message: string) => void {
  return (fraction, message) => out.progress(`${verb} ${Math.round(fraction * 100)}%  ${message}`);
}
