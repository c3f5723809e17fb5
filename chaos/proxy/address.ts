// "host:port" strings as Toxiproxy uses them (Go's net.SplitHostPort / JoinHostPort rules), and
// the loopback-by-default rule: a listen address without a host binds 127.0.0.1 here (the Go
// server would bind every interface); any other interface must be named explicitly.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export const defaultListenHost = '127.0.0.1';

export interface HostPort {
  host: string;
  port: number;
}

/** Split "host:port", "[v6]:port" or ":port"; errors use Go's wording. */
export function splitHostPort(address: string): HostPort {
  const missing = () => new Error(`address ${address}: missing port in address`);
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0) throw new Error(`address ${address}: missing ']' in address`);
    if (end + 1 === address.length) throw missing();
    if (address[end + 1] !== ':') throw missing();
    host = address.slice(1, end);
    portText = address.slice(end + 2);
  } else {
    const i = address.lastIndexOf(':');
    if (i < 0) throw missing();
    host = address.slice(0, i);
    if (host.includes(':')) throw new Error(`address ${address}: too many colons in address`);
    portText = address.slice(i + 1);
  }
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText) || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`address ${address}: invalid port`);
  return { host, port };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Resolve a listen address to the IP the proxy binds (IPv4 preferred, as Go does for "localhost"). */
export async function resolveListen(address: string): Promise<HostPort> {
  // An empty listen address means "any free port" (Go listens on ":0" for "").
  const { host, port } = address === '' ? { host: '', port: 0 } : splitHostPort(address);
  if (host === '') return { host: defaultListenHost, port };
  if (isIP(host)) return { host, port };
  if (host === 'localhost') return { host: '127.0.0.1', port };
  try {
    const found = await lookup(host, { family: 4 }).catch(() => lookup(host));
    return { host: found.address, port };
  } catch {
    throw new Error(`lookup ${host}: no such host`);
  }
}

/** The resolved form of a listen address, used to decide whether an update changes it. */
export async function resolvedListenString(address: string): Promise<string> {
  const { host, port } = await resolveListen(address);
  return joinHostPort(host, port);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
