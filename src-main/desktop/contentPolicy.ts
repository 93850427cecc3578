// What the desktop window may show, which IPC senders are trusted, and which links may leave for the browser:
// the decisions of the Electron hardening (hardening.ts), kept free of electron so they can be tested alone.

export interface ContentPolicy {
  /** The engine's origin (http://127.0.0.1:<port>) once it is known. */
  engineOrigin(): string | undefined;
  /** Origins of the addresses Slipway made that may open in the browser (the endpoint's URLs). */
  externalOrigins(): Promise<string[]>;
}

/** The parts of an IPC event the gate reads (Electron's IpcMainEvent and IpcMainInvokeEvent have them). */
export interface IpcSenderEvent {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

/** True for a page of the engine's UI: its origin and a path under /ui/. */
export function isAppUiUrl(url: string, engineOrigin: string | undefined): boolean {
  if (!engineOrigin) return false;
  try {
    const parsed = new URL(url);
    return parsed.origin === engineOrigin && parsed.pathname.startsWith('/ui/');
  } catch {
    return false;
  }
}

/** IPC gate: the sender is the top frame of `contents` and shows the engine's UI. */
export function isTrustedSender(event: IpcSenderEvent, contents: unknown, policy: ContentPolicy): boolean {
  const frame = event.senderFrame;
  return (
    contents !== undefined &&
    contents !== null &&
    event.sender === contents &&
    frame !== null &&
    frame.parent === null &&
    isAppUiUrl(frame.url, policy.engineOrigin())
  );
}

export type ExternalLinkVerdict = { open: true; href: string } | { open: false; reason: string };

/** Whether a link may open in the browser: http(s) only, and only at an origin Slipway itself made. */
export function externalLinkVerdict(url: string, allowedOrigins: readonly string[]): ExternalLinkVerdict {
  const parsed = parseWebUrl(url);
  if (typeof parsed === 'string') return { open: false, reason: parsed };
  if (!allowedOrigins.includes(parsed.origin)) {
    return { open: false, reason: `refused to open ${parsed.origin}: not an address Slipway made` };
  }
  return { open: true, href: parsed.href };
}

/**
 * Opens `url` with `open` (shell.openExternal in the app) when the policy allows it; otherwise warns. Resolves
 * to whether it was opened.
 */
export async function openExternalIfAppMade(
  url: string,
  policy: ContentPolicy,
  open: (href: string) => Promise<void>,
  warn: (message: string) => void = (message) => console.warn(`slipway: ${message}`),
): Promise<boolean> {
  // A link that is not http(s) is refused without asking the engine for its addresses.
  const parsed = parseWebUrl(url);
  const verdict =
    typeof parsed === 'string'
      ? ({ open: false, reason: parsed } as const)
      : externalLinkVerdict(url, await policy.externalOrigins().catch((): string[] => []));
  if (!verdict.open) {
    warn(verdict.reason);
    return false;
  }
  await open(verdict.href);
  return true;
}

/** The URL when it is an http(s) one; otherwise why it is refused. */
function parseWebUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `refused to open '${url.slice(0, 200)}': not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `refused to open a ${parsed.protocol} link`;
  return parsed;
}
