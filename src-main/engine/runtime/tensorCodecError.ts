// The one error the tensor codec throws for bad user data: a single line that names the input (and, for one
// element, its index path) so the CLI, the control API and the V2 endpoint can show it as-is (HTTP 400).

export interface TensorCodecErrorDetails {
  /** The input or output the error is about, when there is one. */
  tensor?: string;
  /** Index path of the offending element: nested indices for nested data, one flat index for flat data. */
  path?: readonly number[];
}

export class TensorCodecError extends Error {
  readonly tensor: string | undefined;
  readonly path: readonly number[] | undefined;

  constructor(message: string, details: TensorCodecErrorDetails = {}) {
    super(message);
    this.name = 'TensorCodecError';
    this.tensor = details.tensor;
    this.path = details.path;
  }
}
