// The renderer's client for the control API, typed from the shared contract: a call takes the endpoint's name,
// path parameters and body, and returns its response — checked against the response schema, so a reply that
// does not match the contract is an error rather than a silent surprise.
import type { z } from 'zod';
import {
  API_PREFIX,
  ApiErrorSchema,
  ControlApi,
  JobSchema,
  type ControlApiName,
  type Job,
} from '../../../src-shared/contract';
import type { Connection } from './connection';

type Spec<K extends ControlApiName> = (typeof ControlApi)[K];
type Body<K extends ControlApiName> = Spec<K>['request'] extends z.ZodType ? z.input<Spec<K>['request']> : undefined;
type Result<K extends ControlApiName> = z.output<Spec<K>['response']>;

export interface CallOptions<K extends ControlApiName> {
  params?: Record<string, string | number>;
  body?: Body<K>;
  signal?: AbortSignal;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ApiClient {
  constructor(private readonly connection: Connection) {}

  get token(): string {
    return this.connection.token;
  }

  eventsUrl(): string {
    return `${this.connection.apiBase}${API_PREFIX}/events?token=${encodeURIComponent(this.connection.token)}`;
  }

  async call<K extends ControlApiName>(name: K, options: CallOptions<K> = {}): Promise<Result<K>> {
    const spec = ControlApi[name];
    const path = spec.path.replace(/:(\w+)/g, (_, key: string) =>
      encodeURIComponent(String(options.params?.[key] ?? '')),
    );
    const res = await fetch(`${this.connection.apiBase}${API_PREFIX}${path}`, {
      method: spec.method,
      headers: {
        authorization: `Bearer ${this.connection.token}`,
        ...(options.body ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    return this.parse(
      res,
      spec.response as Spec<K>['response'],
      `${name} (${spec.method} ${API_PREFIX}${spec.path})`,
    ) as Promise<Result<K>>;
  }

  /** Uploads a model file (web mode and drag-and-drop); `onProgress` follows the upload, the job the import.
   * An aborted `signal` stops the upload itself (before there is a job to cancel). */
  upload(
    file: File,
    onProgress: (fraction: number) => void,
    options: { name?: string; signal?: AbortSignal } = {},
  ): Promise<Job> {
    const query = new URLSearchParams({ fileName: file.name, ...(options.name ? { name: options.name } : {}) });
    return this.sendFile('uploadImport', file, query, onProgress, options.signal);
  }

  /** Uploads a replay file (.jsonl/.csv) as a dataset-import job; `query` carries its import options. */
  uploadDataset(
    file: File,
    query: URLSearchParams,
    onProgress: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<Job> {
    const all = new URLSearchParams(query);
    all.set('fileName', file.name);
    return this.sendFile('uploadDataset', file, all, onProgress, signal);
  }

  private sendFile(
    name: 'uploadImport' | 'uploadDataset',
    file: File,
    query: URLSearchParams,
    onProgress: (fraction: number) => void,
    signal: AbortSignal | undefined,
  ): Promise<Job> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.onabort = () => reject(new ApiError(0, 'the upload was cancelled'));
      xhr.open('POST', `${this.connection.apiBase}${API_PREFIX}${ControlApi[name].path}?${query}`);
      xhr.setRequestHeader('authorization', `Bearer ${this.connection.token}`);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onerror = () => reject(new ApiError(0, 'the engine did not answer the upload'));
      xhr.onload = () => {
        try {
          const body = JSON.parse(xhr.responseText) as unknown;
          if (xhr.status >= 400) reject(toError(xhr.status, body));
          else resolve(JobSchema.parse(body));
        } catch (error) {
          reject(error);
        }
      };
      xhr.send(file);
    });
  }

  /** The reply's body checked against `schema`; `endpoint` names the call in errors. */
  private async parse<S extends z.ZodType>(res: Response, schema: S, endpoint: string): Promise<z.output<S>> {
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(
        res.status,
        `the engine answered ${endpoint} with ${res.status} and something other than JSON`,
      );
    }
    if (!res.ok) throw toError(res.status, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        res.status,
        `the engine's reply to ${endpoint} does not match the contract at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
        'contract',
      );
    }
    return parsed.data;
  }
}

function toError(status: number, body: unknown): ApiError {
  const parsed = ApiErrorSchema.safeParse(body);
  return new ApiError(
    status,
    parsed.success ? parsed.data.error : `request failed with status ${status}`,
    parsed.success ? parsed.data.code : undefined,
  );
}
