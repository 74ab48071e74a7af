import { isIP } from 'node:net';

/** The host part of a Host header: `localhost:4000` → `localhost`, `[::1]:4000` → `::1`. */
export function hostName(header: string): string {
  const trimmed = header.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']'));
  const colon = trimmed.lastIndexOf(':');
  return colon === -1 ? trimmed : trimmed.slice(0, colon);
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1';
}

/**
 * DNS-rebinding defence: a page on another site can point its own name at
 * this machine, but its requests still carry that name in Host. Only loopback
 * names, and the address the server was explicitly bound to, are answered.
 */
export function isAllowedHost(header: string | undefined, boundHost: string): boolean {
  if (header === undefined || header === '') return false;
  const name = hostName(header);
  return isLoopbackName(name) || name === hostName(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost);
}
