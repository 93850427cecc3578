// Worker thread for drift: tests one feature's two columns (transferred, not copied) off the engine's event loop.
import { parentPort } from 'node:worker_threads';
import type { DriftOptions, FeatureDrift, FeatureKind } from '../../../../src-shared/contract';
import { sampleFromValues } from './driftSample';
import { featureDriftOfSamples } from './featureDrift';

export interface DriftTask {
  id: number;
  name: string;
  kind: FeatureKind;
  reference: Float64Array<ArrayBuffer>;
  current: Float64Array<ArrayBuffer>;
  options: DriftOptions;
}

export type DriftTaskResult = { id: number; result: FeatureDrift } | { id: number; error: string };

parentPort?.on('message', (task: DriftTask) => {
  let reply: DriftTaskResult;
  try {
    const result = featureDriftOfSamples(
      task.name,
      task.kind,
      sampleFromValues(task.reference),
      sampleFromValues(task.current),
      task.options,
    );
    reply = { id: task.id, result };
  } catch (error) {
    reply = { id: task.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
