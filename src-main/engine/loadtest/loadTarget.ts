// What a load test aims at, resolved before anything runs: a library version (run in the in-process runtime or
// behind a local endpoint) or any KServe V2 URL, whose signature comes from its model metadata. Unknown models,
// unreachable URLs and odd metadata fail here with a message that says which.
import { request } from 'undici';
import type { LoadTarget, ModelSignature, TensorSignature } from '../../../src-shared/contract';
import { elementTypeFromV2 } from '../../../src-shared/elementTypes';
import type { Engine } from '../engine';
import type { ModelVersion } from '../../../src-shared/contract';
import { UserError } from '../userError';
import { errorOutcome } from './requestOutcome';
import { OUTCOME_CONNECTION } from './loadGeneratorProtocol';

export type ResolvedTarget =
  | { kind: 'runtime'; label: string; signature: ModelSignature; version: ModelVersion }
  | { kind: 'endpoint'; label: string; signature: ModelSignature; version: ModelVersion }
  | {
      kind: 'url';
      label: string;
      signature: ModelSignature;
      /** The base URL without a trailing slash. */
      baseUrl: string;
      modelName: string;
      modelVersion?: string;
      headers: Record<string, string>;
    };

const METADATA_TIMEOUT_MS = 10_000;

export async function resolveTarget(engine: Engine, target: LoadTarget): Promise<ResolvedTarget> {
  if (target.kind === 'url') return resolveUrl(target);
  const version = pickVersion(engine, target.model, target.version);
  const signature = { inputs: version.inspection.inputs, outputs: version.inspection.outputs };
  const label = `${version.model}:${version.version}`;
  return target.kind === 'runtime'
    ? { kind: 'runtime', label: `${label} (in-process runtime)`, signature, version }
    : { kind: 'endpoint', label, signature, version };
}

/** The version a load test runs when none is named: the one `slipway serve` serves (production, else latest). */
function pickVersion(engine: Engine, model: string, version: number | undefined): ModelVersion {
  if (version !== undefined) return engine.library.get({ name: model, version });
  const all = engine.library.versionsOf(model);
  const production = all.filter((v) => v.stage === 'production');
  return (production.length > 0 ? production : all).at(-1)!;
}

/** The V2 path of a model's routes under a base URL. */
export function modelPath(baseUrl: string, modelName: string, modelVersion?: string): string {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const version = modelVersion ? `/versions/${encodeURIComponent(modelVersion)}` : '';
  return `${prefix}/v2/models/${encodeURIComponent(modelName)}${version}`;
}

async function resolveUrl(target: Extract<LoadTarget, { kind: 'url' }>): Promise<ResolvedTarget> {
  const baseUrl = target.url.replace(/\/+$/, '');
  const parsed = new URL(baseUrl);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError('bad-input', `invalid URL ${target.url}: expected http:// or https://`);
  }
  const metadataUrl = `${parsed.origin}${modelPath(baseUrl, target.modelName, target.modelVersion)}`;
  let status: number;
  let text: string;
  try {
    const res = await request(metadataUrl, {
      method: 'GET',
      headers: target.headers,
      headersTimeout: METADATA_TIMEOUT_MS,
      bodyTimeout: METADATA_TIMEOUT_MS,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused (is the server running, and on that port?)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? `the host name ${parsed.hostname} does not resolve`
          : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
            ? `no answer within ${METADATA_TIMEOUT_MS / 1000} s`
            : errorOutcome(error) === OUTCOME_CONNECTION
              ? `connection failed (${code})`
              : (error as Error).message;
    throw new UserError('unavailable', `cannot reach ${baseUrl}: ${why}`);
  }
  const model = `'${target.modelName}'${target.modelVersion ? ` version ${target.modelVersion}` : ''}`;
  if (status === 404) {
    throw new UserError(
      'not-found',
      `${baseUrl} has no model ${model} (GET ${metadataUrl} answered 404${errorText(text)})`,
    );
  }
  if (status === 401 || status === 403) {
    throw new UserError(
      'bad-input',
      `${baseUrl} refused the metadata request (${status}${errorText(text)}); pass its API key with --header 'Authorization: Bearer KEY'`,
    );
  }
  if (status !== 200) {
    throw new UserError('unavailable', `${baseUrl} answered ${status} to GET ${metadataUrl}${errorText(text)}`);
  }
  const signature = signatureFromMetadata(text, metadataUrl);
  return {
    kind: 'url',
    label: `${target.modelName}${target.modelVersion ? `:${target.modelVersion}` : ''} at ${withoutCredentials(baseUrl)}`,
    signature,
    baseUrl,
    modelName: target.modelName,
    modelVersion: target.modelVersion,
    headers: target.headers,
  };
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/+$/, '');
}

function errorText(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? `: ${error}` : '';
  } catch {
    return '';
  }
}

interface MetadataTensor {
  name?: unknown;
  datatype?: unknown;
  shape?: unknown;
}

/**
 * The signature in V2 model metadata. Dynamic dims (-1) get names so --dim can size them: the first axis is
 * `batch`, others `dim1`, `dim2`, … by position (shared across inputs, as sequence lengths usually are).
 */
export function signatureFromMetadata(text: string, where: string): ModelSignature {
  let doc: { inputs?: unknown; outputs?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw new UserError('unavailable', `GET ${where} did not return JSON model metadata`);
  }
  const tensors = (list: unknown, what: string): TensorSignature[] => {
    if (!Array.isArray(list))
      throw new UserError('unavailable', `the model metadata at ${where} has no "${what}" list`);
    return (list as MetadataTensor[]).map((t, i) => {
      if (typeof t?.name !== 'string' || typeof t.datatype !== 'string' || !Array.isArray(t.shape)) {
        throw new UserError(
          'unavailable',
          `the model metadata at ${where}: ${what}[${i}] needs name, datatype and shape`,
        );
      }
      const type = elementTypeFromV2(t.datatype);
      return {
        name: t.name,
        kind: 'tensor',
        elementType: type ?? t.datatype.toLowerCase(),
        shape: (t.shape as unknown[]).map((d, axis) =>
          typeof d === 'number' && d >= 0 ? d : axis === 0 ? 'batch' : `dim${axis}`,
        ),
      };
    });
  };
  return { inputs: tensors(doc.inputs, 'inputs'), outputs: tensors(doc.outputs ?? [], 'outputs') };
}
