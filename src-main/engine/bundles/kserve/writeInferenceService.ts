// The KServe target: `kserve/inferenceservice.yaml`, pointing at the Triton repository of the same bundle once the
// user has uploaded it (storageUri), or at a placeholder that says so.
import { BUNDLE_TARGET_DIRS } from '../../../../src-shared/contract';
import { UserError } from '../../userError';
import type { BundleFolder } from '../bundleFolder';
import type { ExportSource } from '../exportSource';
import { inferenceServiceName, inferenceServiceYaml } from './inferenceServiceYaml';

export const INFERENCE_SERVICE_PATH = `${BUNDLE_TARGET_DIRS.kserve}/inferenceservice.yaml`;

export interface WrittenInferenceService {
  /** Bundle-relative path of the YAML. */
  path: string;
  storageUri: string;
  placeholder: boolean;
}

/** Where the YAML points when the user gave no storageUri: an obviously fake bucket (upper case is not valid S3). */
export function placeholderStorageUri(model: string): string {
  return `s3://REPLACE-ME/${inferenceServiceName(model)}`;
}

/** scheme://rest, as KServe's storage initializer expects (s3://, gs://, pvc://, https://, hdfs://, ...). */
const STORAGE_URI = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

export async function writeInferenceService(
  folder: BundleFolder,
  input: { source: ExportSource; storageUri: string | null; canaryTrafficPercent: number | null },
): Promise<WrittenInferenceService> {
  const { source, canaryTrafficPercent } = input;
  const given = input.storageUri?.trim() ?? '';
  if (input.storageUri !== null && !STORAGE_URI.test(given)) {
    throw new UserError(
      'bad-input',
      `invalid storageUri '${input.storageUri}': expected the URI the triton/ folder is uploaded to, ` +
        'such as s3://bucket/models/triton, gs://bucket/triton or pvc://claim/triton',
    );
  }
  if (
    canaryTrafficPercent !== null &&
    !(Number.isInteger(canaryTrafficPercent) && canaryTrafficPercent >= 0 && canaryTrafficPercent <= 100)
  ) {
    throw new UserError(
      'bad-input',
      `invalid canaryTrafficPercent ${canaryTrafficPercent}: expected a whole number from 0 to 100`,
    );
  }
  const placeholder = input.storageUri === null;
  const storageUri = placeholder ? placeholderStorageUri(source.model) : given;
  await folder.writeFile(
    INFERENCE_SERVICE_PATH,
    inferenceServiceYaml({ source, storageUri, placeholder, canaryTrafficPercent }),
  );
  return { path: INFERENCE_SERVICE_PATH, storageUri, placeholder };
}
