// Main's few reads of the engine's control API (settings, engine info, serving status), over plain loopback
// HTTP with the launch token. Node's http rather than fetch: it sends no Origin header, as the API expects of
// a local tool.
import { request } from 'node:http';
import type { AppSettings, EngineInfo, ServingStatus } from '../../src-shared/contract';

export interface EngineAddress {
  /** http://127.0.0.1:<port> */
  url: string;
  token: string;
}

const TIMEOUT_MS = 2_000;

export function getEngineInfo(engine: EngineAddress): Promise<EngineInfo> {
  return getJson<EngineInfo>(engine, '/api/v1/engine');
}

export function getAppSettings(engine: EngineAddress): Promise<AppSettings> {
  return getJson<AppSettings>(engine, '/api/v1/settings');
}

export function getServingStatus(engine: EngineAddress): Promise<ServingStatus> {
  return getJson<ServingStatus>(engine, '/api/v1/serving');
}

function getJson<T>(engine: EngineAddress, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, engine.url),
      { method: 'GET', headers: { authorization: `Bearer ${engine.token}` }, timeout: TIMEOUT_MS },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`GET ${path}: HTTP ${res.statusCode ?? '?'} ${body.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(body) as T);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}
