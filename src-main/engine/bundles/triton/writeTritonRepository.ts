// The Triton target: a model repository `triton/<name>/` with config.pbtxt, `<version>/model.onnx` and, where the
// model carries class labels, labels.txt — a folder `tritonserver --model-repository` loads as it is.
import { BUNDLE_TARGET_DIRS } from '../../../../src-shared/contract';
import { tritonModelConfig } from '../../serving/tritonModelConfig';
import { UserError } from '../../userError';
import type { BundleFolder } from '../bundleFolder';
import type { ExportSource } from '../exportSource';
import { modelLabels } from './modelLabels';
import { tritonConfigText } from './tritonConfigText';

export const TRITON_LABELS_FILE = 'labels.txt';

export interface TritonRepository {
  /** Bundle-relative folder of the repository root (what `--model-repository` and KServe's storageUri name). */
  repositoryDir: string;
  /** Bundle-relative paths of what was written. */
  configPath: string;
  modelPath: string;
  labelsPath: string | null;
}

/** Bundle-relative paths of the files writeTritonRepository writes for a version (labels.txt only if it has labels). */
export function tritonRepositoryPaths(
  model: string,
  version: number,
): { config: string; model: string; labels: string } {
  const dir = `${BUNDLE_TARGET_DIRS.triton}/${model}`;
  return {
    config: `${dir}/config.pbtxt`,
    model: `${dir}/${version}/model.onnx`,
    labels: `${dir}/${TRITON_LABELS_FILE}`,
  };
}

export async function writeTritonRepository(folder: BundleFolder, source: ExportSource): Promise<TritonRepository> {
  const config = tritonModelConfig({
    name: source.model,
    versions: [source.version],
    signature: source.inspection,
    settings: source.settings,
    batching: { active: source.settings.dynamicBatching.enabled },
    provider: source.provider,
  });
  // Triton refuses to load a config with TYPE_INVALID; say which tensor is the problem before writing anything.
  const tensors = [
    ...config.input.map((t, i) => ({ role: 'input', config: t, signature: source.inspection.inputs[i]! })),
    ...config.output.map((t, i) => ({ role: 'output', config: t, signature: source.inspection.outputs[i]! })),
  ];
  const invalid = tensors.find((t) => t.config.data_type === 'TYPE_INVALID');
  if (invalid) {
    const what =
      invalid.signature.kind === 'tensor' ? `a ${invalid.signature.elementType} tensor` : invalid.signature.elementType;
    throw new UserError(
      'bad-input',
      `Triton cannot serve ${source.model}:${source.version}: ${invalid.role} '${invalid.signature.name}' is ${what}, ` +
        'which has no Triton data type (expected a tensor of bool, (u)int8..64, float16/32/64 or string)',
    );
  }
  const labels = modelLabels(source.inspection);
  const paths = tritonRepositoryPaths(source.model, source.version);
  const text = tritonConfigText(config, labels ? { labelFiles: { [labels.output]: TRITON_LABELS_FILE } } : {});
  await folder.writeFile(paths.config, text);
  await folder.copyFile(paths.model, source.modelPath);
  if (labels) await folder.writeFile(paths.labels, `${labels.labels.join('\n')}\n`);
  return {
    repositoryDir: BUNDLE_TARGET_DIRS.triton,
    configPath: paths.config,
    modelPath: paths.model,
    labelsPath: labels ? paths.labels : null,
  };
}
