const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * OLLAMA_KEEP_ALIVE as Ollama reads it: a Go duration (`5m`, `1h30m`,
 * `2.5h`) or a whole number of seconds (`300`); negative keeps models for
 * good (null). Undefined where the text is neither.
 */
export function parseKeepAlive(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return seconds < 0 ? null : seconds * 1000;
  }
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(trimmed);
  if (!match) return undefined;
  let total = 0;
  for (const part of trimmed.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    total += Number(part[1]) * (UNIT_MS[part[2] ?? 's'] ?? 0);
  return match[1] === '-' ? null : Math.round(total);
}
