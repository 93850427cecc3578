// A hook on the request path that sees each request's decoded inputs before the pool takes their buffers:
// live drift samples served traffic through it. It must return quickly and never throw into a request.
import type { WireTensor } from '../runtime/wireTensor';

export interface ServedInputObserver {
  /** Called synchronously with the inputs of a request `model:version` is about to run. */
  observe(model: string, version: number, inputs: readonly WireTensor[]): void;
}
