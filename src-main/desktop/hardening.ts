// Electron security checklist, applied in one place: the only content is the engine's UI at its loopback
// origin; every other navigation and every new window is refused (links the app itself made go to the
// browser), permission requests are refused, and IPC answers only the top frame of that UI.
import { app, session, shell, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';

export interface ContentPolicy {
  /** The engine's origin (http://127.0.0.1:<port>) once it is known. */
  engineOrigin(): string | undefined;
  /** Origins of the addresses Slipway made that may open in the browser (the endpoint's URLs). */
  externalOrigins(): Promise<string[]>;
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
export function isTrustedSender(
  event: IpcMainEvent | IpcMainInvokeEvent,
  contents: WebContents | undefined,
  policy: ContentPolicy,
): boolean {
  const frame = event.senderFrame;
  return (
    contents !== undefined &&
    event.sender === contents &&
    frame !== null &&
    frame.parent === null &&
    isAppUiUrl(frame.url, policy.engineOrigin())
  );
}

/** Installs the navigation, window-open and permission policy for every web contents the app creates. */
export function installHardening(policy: ContentPolicy): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      void openExternalIfAppMade(url, policy);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event) => {
      if (isAppUiUrl(event.url, policy.engineOrigin())) return;
      event.preventDefault();
      void openExternalIfAppMade(event.url, policy);
    });
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame && !isAppUiUrl(event.url, policy.engineOrigin())) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAppUiUrl(event.url, policy.engineOrigin())) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  // Writing to the clipboard (the copyable example requests) is the one permission the UI uses; everything
  // else (camera, notifications, geolocation, …) is refused, and nothing is granted to any other origin.
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const requestingUrl = 'requestingUrl' in details ? details.requestingUrl : '';
    callback(permission === 'clipboard-sanitized-write' && isAppUiUrl(requestingUrl, policy.engineOrigin()));
  });
  ses.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) =>
      permission === 'clipboard-sanitized-write' && requestingOrigin === policy.engineOrigin(),
  );
}

/** Opens an http(s) URL in the browser only when its origin is one Slipway made (the endpoint). */
async function openExternalIfAppMade(url: string, policy: ContentPolicy): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    console.warn(`slipway: refused to open a ${parsed.protocol} link`);
    return;
  }
  const allowed = await policy.externalOrigins().catch((): string[] => []);
  if (!allowed.includes(parsed.origin)) {
    console.warn(`slipway: refused to open ${parsed.origin}: not an address Slipway made`);
    return;
  }
  await shell.openExternal(parsed.href);
}
