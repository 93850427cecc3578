// Where an endpoint bound beyond loopback can be reached, and the loud warning that says so: binding there
// exposes the models to the network, so the user must hear it even when no network address is up yet.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isLoopback } from './requestGuard';

type Interfaces = Record<string, NetworkInterfaceInfo[] | undefined>;

/**
 * The URLs of an endpoint on `host:port`: the bound address itself, or for a wildcard bind (0.0.0.0, ::) every
 * network address of the machine (IPv6 only for ::; link-local ones need a zone and are left out), then this
 * machine's loopback URL last, so the list is never empty.
 */
export function reachableUrls(host: string, port: number, interfaces: Interfaces = networkInterfaces()): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [urlOf(host, port)];
  const external = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && (i.family === 'IPv4' || (host === '::' && !/^fe80:/i.test(i.address))))
    .map((i) => urlOf(i.address, port));
  return [...new Set(external), urlOf(host === '::' ? '::1' : '127.0.0.1', port)];
}

/** One line for a bind beyond loopback: that other machines can call the models, and at which URLs. */
export function exposureWarning(host: string, urls: string[]): string {
  const external = urls.filter((u) => !isLoopback(hostOf(u)));
  const local = urls.filter((u) => isLoopback(hostOf(u)));
  const where =
    external.length > 0
      ? `reachable at ${external.join(', ')}`
      : 'no network address besides loopback was found now, but any that comes up is reachable too';
  return (
    `warning: bound to ${host}: other machines can call these models (API key required); ${where}` +
    (local.length > 0 ? `; on this machine at ${local.join(', ')}` : '')
  );
}

function urlOf(address: string, port: number): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}
