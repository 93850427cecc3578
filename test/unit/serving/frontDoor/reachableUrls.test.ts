// Where a bind beyond loopback is reachable, and the warning printed for it: never silent, never an empty list.
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { exposureWarning, reachableUrls } from '../../../../src-main/engine/serving/reachableUrls';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, scopeid: 0 }) as NetworkInterfaceInfo;

const LAN = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('192.168.1.20', 'IPv4'), nic('fd00::20', 'IPv6'), nic('fe80::1', 'IPv6')],
  wlan0: [nic('10.0.0.7', 'IPv4')],
};
const LOOPBACK_ONLY = { lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)] };

describe('reachableUrls', () => {
  it('lists every IPv4 address of the machine for 0.0.0.0, then the loopback URL', () => {
    expect(reachableUrls('0.0.0.0', 8000, LAN)).toEqual([
      'http://192.168.1.20:8000',
      'http://10.0.0.7:8000',
      'http://127.0.0.1:8000',
    ]);
  });

  it('adds routable IPv6 addresses for :: (not link-local ones, which need a zone)', () => {
    expect(reachableUrls('::', 8000, LAN)).toEqual([
      'http://192.168.1.20:8000',
      'http://[fd00::20]:8000',
      'http://10.0.0.7:8000',
      'http://[::1]:8000',
    ]);
  });

  it('is never empty: with no network interface up, the loopback URL remains', () => {
    expect(reachableUrls('0.0.0.0', 9000, LOOPBACK_ONLY)).toEqual(['http://127.0.0.1:9000']);
    expect(reachableUrls('0.0.0.0', 9000, {})).toEqual(['http://127.0.0.1:9000']);
  });

  it('gives the bound address itself for a specific host', () => {
    expect(reachableUrls('192.168.1.20', 8000, LAN)).toEqual(['http://192.168.1.20:8000']);
    expect(reachableUrls('fd00::20', 8000, LAN)).toEqual(['http://[fd00::20]:8000']);
  });
});

describe('exposureWarning', () => {
  it('names the bind, the API key and the URLs other machines use, then this machine', () => {
    expect(exposureWarning('0.0.0.0', reachableUrls('0.0.0.0', 8000, LAN))).toBe(
      'warning: bound to 0.0.0.0: other machines can call these models (API key required); reachable at ' +
        'http://192.168.1.20:8000, http://10.0.0.7:8000; on this machine at http://127.0.0.1:8000',
    );
  });

  it('still warns, and says so, when no network address was found', () => {
    expect(exposureWarning('0.0.0.0', reachableUrls('0.0.0.0', 8000, LOOPBACK_ONLY))).toBe(
      'warning: bound to 0.0.0.0: other machines can call these models (API key required); no network address ' +
        'besides loopback was found now, but any that comes up is reachable too; on this machine at http://127.0.0.1:8000',
    );
  });
});
