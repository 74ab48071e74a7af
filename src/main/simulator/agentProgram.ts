/**
 * The program a simulated agent runs, written to `<root>/apps/<role>/<role>`
 * where ECHO keeps its agents' escripts. It uses nothing but Node's globals,
 * so it runs the same as CommonJS or as an ES module, and under Electron with
 * ELECTRON_RUN_AS_NODE.
 *
 * - It holds 4 to 34 MB (the same for the same role) beyond Node's own 40 or
 *   so, filled so that the pages are really resident: an agent's process
 *   shows a modest, measurable size, different per role. Not more: each
 *   megabyte is start-up work (page faults), which three agents do at once
 *   as the demo starts.
 * - It ends when its stdin ends. The simulator holds the other end; when the
 *   simulator closes it, exits or is killed (even with SIGKILL), the pipe
 *   closes and the agent ends with it, so no agent outlives its delegator.
 * - It ignores SIGINT: Ctrl-C in a terminal reaches the whole process group,
 *   and only the delegator decides when its agents stop (it then closes stdin),
 *   or a stop at shutdown would look like a crash.
 */
export const AGENT_PROGRAM = `#!/usr/bin/env node
// A simulated ECHO agent, written by Delegator Monitor's simulator. Ends when its stdin ends.
const role = (process.argv[1] || 'agent').split(/[\\\\/]/).pop() || 'agent';
let spread = 0;
for (const char of role) spread = (spread + char.charCodeAt(0)) % 31;
const held = Buffer.alloc((4 + spread) * 1024 * 1024, 0x5a);
const end = () => process.exit(0);
process.on('SIGINT', () => {});
process.stdin.on('data', () => { held[0] ^= 1; });
process.stdin.on('end', end);
process.stdin.on('close', end);
process.stdin.on('error', end);
process.stdin.resume();
`;
