/**
 * Ollama's address from `OLLAMA_HOST`, by Ollama's own rules
 * (`envconfig.Host()`): no scheme means http; no port means 11434, or 80 and
 * 443 for an explicit http:// or https://; a path prefix is kept. A server
 * bound to every address (`0.0.0.0`, `::`) is reached on loopback, as a
 * client on the same machine does. Returns null for a value that names no host.
 */
export function ollamaEndpointFromHost(value: string): string | null {
  const text = value.trim();
  if (text === '') return null;
  const schemeEnd = text.indexOf('://');
  const scheme = schemeEnd === -1 ? 'http' : text.slice(0, schemeEnd).toLowerCase();
  const defaultPort = schemeEnd === -1 ? '11434' : scheme === 'https' ? '443' : scheme === 'http' ? '80' : '11434';
  const rest = schemeEnd === -1 ? text : text.slice(schemeEnd + 3);
  const slash = rest.indexOf('/');
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  const { host, port } = splitHostPort(hostPort, defaultPort);
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const shown = reachable.includes(':') ? `[${reachable}]` : reachable;
  const url = `${scheme}://${shown}:${port}${path.replace(/\/+$/, '')}`;
  return URL.canParse(url) ? url : null;
}

/**
 * `host:port`, `[v6]:port`, a bare host or a bare IPv6 address; an unusable port falls back to the default, as Ollama's
 * does.
 */
function splitHostPort(hostPort: string, defaultPort: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(hostPort);
  if (bracketed) return { host: bracketed[1] ?? '', port: validPort(bracketed[2], defaultPort) };
  const colons = hostPort.split(':').length - 1;
  // More than one colon and no brackets: a bare IPv6 address.
  if (colons > 1) return { host: hostPort, port: defaultPort };
  const [host = '', port] = hostPort.split(':');
  return { host: host === '' ? '127.0.0.1' : host, port: validPort(port, defaultPort) };
}

function validPort(port: string | undefined, defaultPort: string): string {
  if (port === undefined || !/^\d+$/.test(port)) return defaultPort;
  return Number(port) <= 65535 ? String(Number(port)) : defaultPort;
}
