// An inference request as the data plane understands it once the wire format (JSON or Triton binary) is
// decoded: typed input tensors, the outputs asked for and how, and the scheduling parameters.
import type { WireTensor } from '../runtime/wireTensor';

export interface RequestedOutput {
  name: string;
  /** Return this output in the binary section (Triton binary_data) instead of JSON `data`. */
  binary: boolean;
}

export interface InferRequest {
  /** Echoed in the response. */
  id?: string;
  /** In the model's input order, checked against its signature. */
  inputs: WireTensor[];
  /** Outputs to return in this order; undefined: every output, binary per `binaryOutputDefault`. */
  outputs?: RequestedOutput[];
  /** Request-level `binary_data_output`. */
  binaryOutputDefault: boolean;
  /** Request `timeout` parameter in microseconds (Triton): may only lower the version's default. */
  timeoutMicros?: number;
  /** Request `priority` parameter: 1 is highest; undefined or 0 means the version's default. */
  priority?: number;
}

export interface InferResult {
  modelName: string;
  modelVersion: string;
  id?: string;
  /** In the order they are to be returned. */
  outputs: WireTensor[];
  /** Set when safe mode answered (a fallback version or constant outputs). */
  degraded?: { reason: string };
}
