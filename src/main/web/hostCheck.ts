import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * A Host header as RFC 9110 allows it here: a bracketed IPv6 address or a name
 * of letters, digits, dots, hyphens and underscores (an IPv4 address is one), then an
 * optional port. Anything else (`[::1]evil.com`, `127.0.0.1:4000@evil.com`,
 * two ports) is refused rather than guessed at, since a lenient reading is
 * what lets another name pass for a loopback one.
 */
const HOST_PATTERN =
  /^(?:\[(?<ipv6>[0-9a-f:.]+)\]|(?<name>[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?))(?::(?<port>[0-9]{1,5}))?$/;

/** The host part of a well-formed Host header, lower-cased and without brackets (`[::1]:4000` → `::1`), or null. */
function hostName(header: string): string | null {
  const match = HOST_PATTERN.exec(header.trim().toLowerCase());
  if (match?.groups === undefined) return null;
  const { ipv6, name, port } = match.groups;
  if (port !== undefined && Number(port) > 65_535) return null;
  if (ipv6 !== undefined) return isIP(ipv6) === 6 ? ipv6 : null;
  return name ?? null;
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1';
}

/** The address the server was bound to, as a Host header would name it: `::1` or `[::1]` → `::1`. */
function boundName(boundHost: string): string {
  const trimmed = boundHost.trim().toLowerCase();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}

/**
 * DNS-rebinding defence: a page on another site can point its own name at
 * this machine, but its requests still carry that name in Host. Only loopback
 * names, and the address the server was explicitly bound to, are answered.
 */
export function isAllowedHost(header: string | undefined, boundHost: string): boolean {
  if (header === undefined) return false;
  const name = hostName(header);
  return name !== null && (isLoopbackName(name) || name === boundName(boundHost));
}

/**
 * The request's one Host header, or undefined when it has none or several.
 * Node keeps only the first of duplicate Host headers in `headers.host`; a
 * proxy in front may have read the last one, so a request that carries two is
 * ambiguous and is refused.
 */
export function singleHost(request: IncomingMessage): string | undefined {
  const hosts = request.headersDistinct.host ?? [];
  return hosts.length === 1 ? hosts[0] : undefined;
}

/**
 * Whether an Origin header names this server as the request reached it:
 * plain `http` (this server has no TLS, so an `https` page is another origin)
 * and the same host and port as the Host header, which was checked first.
 */
export function isSameOrigin(origin: string, host: string): boolean {
  if (!URL.canParse(origin) || !URL.canParse(`http://${host}`)) return false;
  const given = new URL(origin);
  return given.protocol === 'http:' && given.origin === new URL(`http://${host}`).origin;
}
