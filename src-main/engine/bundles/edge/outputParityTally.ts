// Running maxima of one output's errors over every sample of the edge parity check: the original model's tensor
// against the optimised model's, element by element, in the output's own element type.
import type { EdgeParity } from '../../../../src-shared/contract';
import { formatShape } from '../../../../src-shared/shapes';
import { fromFloat16Bits } from '../../runtime/float16';
import { elementView } from '../../runtime/tensorCodec';
import type { WireTensor } from '../../runtime/wireTensor';
import { exactError, floatError, type ElementError, type ParityRule } from './parityErrors';

export type OutputParity = EdgeParity['outputs'][number];

/** Thrown when the two models disagree on an output's type or shape: no element-wise error describes that. */
export class ParityShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParityShapeError';
  }
}

export class OutputParityTally {
  private elements = 0;
  private maxAbsError = 0;
  private maxRelError = 0;
  private failed = 0;

  constructor(
    readonly name: string,
    private readonly rule: ParityRule,
  ) {}

  /** Elements that failed the rule so far (see floatError). */
  get failedElements(): number {
    return this.failed;
  }

  /** Adds one sample's tensors: `original` from the original model, `optimized` from the optimised one. */
  add(original: WireTensor, optimized: WireTensor): void {
    if (original.type !== optimized.type) {
      throw new ParityShapeError(
        `output '${this.name}' is ${optimized.type} in the optimised model but ${original.type} in the original`,
      );
    }
    if (original.dims.length !== optimized.dims.length || original.dims.some((d, i) => d !== optimized.dims[i])) {
      throw new ParityShapeError(
        `output '${this.name}' has shape ${formatShape(optimized.dims)} in the optimised model but ${formatShape(original.dims)} in the original`,
      );
    }
    const a = elementView(original);
    const b = elementView(optimized);
    const n = a.length;
    switch (original.type) {
      case 'float32':
      case 'float64':
        for (let i = 0; i < n; i++) this.record(floatError(a[i] as number, b[i] as number, this.rule));
        break;
      case 'float16':
        for (let i = 0; i < n; i++) {
          this.record(floatError(fromFloat16Bits(a[i] as number), fromFloat16Bits(b[i] as number), this.rule));
        }
        break;
      default:
        // Integers, bools and strings: a class id, a count or a flag is right or wrong.
        for (let i = 0; i < n; i++)
          this.record(exactError(a[i] as number | bigint | string, b[i] as number | bigint | string));
    }
    this.elements += n;
  }

  result(): OutputParity {
    return { name: this.name, elements: this.elements, maxAbsError: this.maxAbsError, maxRelError: this.maxRelError };
  }

  private record(error: ElementError): void {
    if (error.absError > this.maxAbsError) this.maxAbsError = error.absError;
    if (error.relError > this.maxRelError) this.maxRelError = error.relError;
    if (!error.passed) this.failed++;
  }
}
