/**
 * The Node stand-in for an agent's escript, for machines without Erlang. It
 * uses nothing but Node's globals, so it runs the same as CommonJS or as an
 * ES module, and under Electron with ELECTRON_RUN_AS_NODE. It behaves as
 * ECHO's agents do (see escriptProgram.ts):
 * - with `--autonomous` it ignores stdin and runs until it is signalled;
 * - without it (MCP mode) it reads stdin and ends when stdin ends.
 * It holds `megabytes` MB, filled so that the pages are really resident.
 */
export function standInProgram(megabytes: number): string {
  return `#!/usr/bin/env node
// A simulated ECHO agent, written by Delegator Monitor's simulator: a stand-in for an escript.
const held = Buffer.alloc(${String(Math.round(megabytes))} * 1024 * 1024, 0x5a);
if (process.argv[2] === '--autonomous') {
  setInterval(() => { held[0] ^= 1; }, 2 ** 30);
} else {
  const end = () => process.exit(0);
  process.stdin.on('data', () => { held[0] ^= 1; });
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  process.stdin.on('error', end);
  process.stdin.resume();
}
`;
}
