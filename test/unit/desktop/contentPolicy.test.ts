// The desktop hardening's decisions (contentPolicy.ts, used by hardening.ts and the IPC gate): which pages are
// the app's UI, which IPC senders are trusted, and which links may open in the browser.
import { describe, expect, it, vi } from 'vitest';
import {
  externalLinkVerdict,
  isAppUiUrl,
  isTrustedSender,
  openExternalIfAppMade,
  type ContentPolicy,
  type IpcSenderEvent,
} from '../../../src-main/desktop/contentPolicy';

const ENGINE = 'http://127.0.0.1:43210';
const ENDPOINT = 'http://127.0.0.1:8000';

function policy(origins: string[] | Error = [ENDPOINT]): ContentPolicy {
  return {
    engineOrigin: () => ENGINE,
    externalOrigins: () => (origins instanceof Error ? Promise.reject(origins) : Promise.resolve(origins)),
  };
}

describe('isAppUiUrl', () => {
  it.each([
    [`${ENGINE}/ui/`, true],
    [`${ENGINE}/ui/#/models`, true],
    [`${ENGINE}/ui/assets/index.js`, true],
    [`${ENGINE}/ui`, false],
    [`${ENGINE}/api/v1/models`, false],
    ['http://127.0.0.1:43211/ui/', false],
    ['http://localhost:43210/ui/', false],
    ['https://127.0.0.1:43210/ui/', false],
    [`http://user@127.0.0.1:43210/ui/`, true],
    ['http://127.0.0.1:43210@evil.example/ui/', false],
    ['file:///ui/index.html', false],
    ['data:text/html,<h1>x</h1>', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isAppUiUrl(url, ENGINE)).toBe(expected);
  });

  it('is false for everything before the engine is known', () => {
    expect(isAppUiUrl(`${ENGINE}/ui/`, undefined)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const contents = { id: 1 };
  const topFrame = (url: string) => ({ url, parent: null });
  const event = (sender: unknown, frame: IpcSenderEvent['senderFrame']): IpcSenderEvent => ({
    sender,
    senderFrame: frame,
  });

  it('trusts the top frame of the main window showing the engine UI', () => {
    expect(isTrustedSender(event(contents, topFrame(`${ENGINE}/ui/`)), contents, policy())).toBe(true);
  });

  it('refuses another window, a subframe, a gone frame, another page, and any sender before the engine is up', () => {
    expect(isTrustedSender(event({ id: 2 }, topFrame(`${ENGINE}/ui/`)), contents, policy())).toBe(false);
    expect(isTrustedSender(event(contents, { url: `${ENGINE}/ui/`, parent: {} }), contents, policy())).toBe(false);
    expect(isTrustedSender(event(contents, null), contents, policy())).toBe(false);
    expect(isTrustedSender(event(contents, topFrame('https://evil.example/ui/')), contents, policy())).toBe(false);
    expect(isTrustedSender(event(contents, topFrame('data:text/html,x')), contents, policy())).toBe(false);
    const engineNotUp: ContentPolicy = { engineOrigin: () => undefined, externalOrigins: async () => [] };
    expect(isTrustedSender(event(contents, topFrame(`${ENGINE}/ui/`)), contents, engineNotUp)).toBe(false);
    // No main window (closed to the tray): nobody is trusted, not even a sender that is undefined too.
    expect(isTrustedSender(event(undefined, topFrame(`${ENGINE}/ui/`)), undefined, policy())).toBe(false);
  });
});

describe('the openExternal allowlist', () => {
  it('allows only http(s) links at an origin Slipway made', () => {
    expect(externalLinkVerdict(`${ENDPOINT}/v2/models`, [ENDPOINT])).toEqual({
      open: true,
      href: `${ENDPOINT}/v2/models`,
    });
    expect(externalLinkVerdict('https://evil.example/', [ENDPOINT])).toEqual({
      open: false,
      reason: 'refused to open https://evil.example: not an address Slipway made',
    });
    // Same host, another port; and a userinfo trick whose real host is elsewhere.
    expect(externalLinkVerdict('http://127.0.0.1:8001/', [ENDPOINT]).open).toBe(false);
    expect(externalLinkVerdict('http://127.0.0.1:8000@evil.example/', [ENDPOINT]).open).toBe(false);
    expect(externalLinkVerdict('javascript:alert(1)', [ENDPOINT])).toEqual({
      open: false,
      reason: 'refused to open a javascript: link',
    });
    expect(externalLinkVerdict('file:///etc/passwd', ['null']).open).toBe(false);
    expect(externalLinkVerdict('::nope', [ENDPOINT]).open).toBe(false);
  });

  it('opens an allowed link and warns about the rest without opening them', async () => {
    const open = vi.fn(async () => {});
    const warn = vi.fn();
    expect(await openExternalIfAppMade(`${ENDPOINT}/v2/health/ready`, policy(), open, warn)).toBe(true);
    expect(open).toHaveBeenCalledWith(`${ENDPOINT}/v2/health/ready`);
    expect(await openExternalIfAppMade('https://evil.example/x', policy(), open, warn)).toBe(false);
    expect(await openExternalIfAppMade('smb://server/share', policy(), open, warn)).toBe(false);
    expect(open).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls.map(([m]) => m)).toEqual([
      'refused to open https://evil.example: not an address Slipway made',
      'refused to open a smb: link',
    ]);
  });

  it('refuses everything when the engine cannot say which addresses it made', async () => {
    const open = vi.fn(async () => {});
    const warn = vi.fn();
    expect(await openExternalIfAppMade(`${ENDPOINT}/`, policy(new Error('engine down')), open, warn)).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('does not ask the engine about a link that is not http(s)', async () => {
    const ask = vi.fn(async () => [ENDPOINT]);
    await openExternalIfAppMade(
      'javascript:alert(1)',
      { engineOrigin: () => ENGINE, externalOrigins: ask },
      vi.fn(),
      vi.fn(),
    );
    expect(ask).not.toHaveBeenCalled();
  });
});
