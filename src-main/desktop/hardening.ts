// Electron security checklist, applied in one place: the only content is the engine's UI at its loopback
// origin; every other navigation and every new window is refused (links the app itself made go to the
// browser), permission requests are refused, and IPC answers only the top frame of that UI. The decisions
// themselves live in contentPolicy.ts.
import { app, session, shell } from 'electron';
import { isAppUiUrl, openExternalIfAppMade, type ContentPolicy } from './contentPolicy';

/** Installs the navigation, window-open and permission policy for every web contents the app creates. */
export function installHardening(policy: ContentPolicy): void {
  const openExternal = (url: string) => void openExternalIfAppMade(url, policy, (href) => shell.openExternal(href));
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event) => {
      if (isAppUiUrl(event.url, policy.engineOrigin())) return;
      event.preventDefault();
      openExternal(event.url);
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
