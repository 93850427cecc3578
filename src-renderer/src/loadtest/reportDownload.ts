// Downloads a run's report (HTML, CSV or JSON) from the control API, which answers it as a file rather than as
// JSON: fetched with the token like every call, then handed to the browser as a download under the engine's
// file name.
import { API_PREFIX, ControlApi, type LoadReportFormat } from '../../../src-shared/contract';
import { ApiError, type ApiClient } from '../api/client';

export function reportUrl(client: ApiClient, runId: string, format: LoadReportFormat): string {
  // The client keeps the engine's address private; its event-stream URL carries the same origin.
  const origin = new URL(client.eventsUrl()).origin;
  const path = ControlApi.loadTestReport.path.replace(':id', encodeURIComponent(runId));
  return `${origin}${API_PREFIX}${path}?format=${format}`;
}

/** The file name from `Content-Disposition: attachment; filename="…"`. */
export function attachmentName(header: string | null, fallback: string): string {
  const match = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  if (!match?.[1]) return fallback;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

export async function downloadReport(client: ApiClient, runId: string, format: LoadReportFormat): Promise<string> {
  return downloadAttachment(client, reportUrl(client, runId, format), `loadtest-${runId}.${format}`);
}

/** Fetches a control-API file answer with the token and saves it under the engine's file name (else `fallback`). */
export async function downloadAttachment(client: ApiClient, url: string, fallback: string): Promise<string> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${client.token}` } });
  if (!res.ok) {
    let message = `the report could not be made (status ${res.status})`;
    try {
      const body = (await res.json()) as { error?: unknown };
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message);
  }
  const name = attachmentName(res.headers.get('content-disposition'), fallback);
  const blobUrl = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = blobUrl;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the browser has started reading it.
  setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
  return name;
}
