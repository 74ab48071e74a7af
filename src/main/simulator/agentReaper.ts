import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { awaitExit, childEnvironment, exitOf } from './childExit';

/** How long agents get to end after SIGTERM before SIGKILL, here and in the reaper. */
export const GRACE_MS = 3000;

/**
 * The reaper's program. Its stdin is a pipe from the simulator, which sends
 * `+<pid>` for each agent it starts and `-<pid>` for each that ends. When the
 * pipe ends (the simulator closed it, exited, or was killed, even with
 * SIGKILL) it sends SIGTERM to each agent left, SIGKILL to any still there
 * after the grace period, removes the simulator's ECHO root and exits.
 */
const REAPER_PROGRAM = `// Ends a Delegator Monitor simulator's agents when the simulator ends, however it ends.
const { rmSync } = require('node:fs');
const root = process.argv[2];
const pids = new Set();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk).split('\\n');
  pending = lines.pop();
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') pids.add(pid);
    else if (line[0] === '-') pids.delete(pid);
  }
});
const signal = (pid, name) => { try { process.kill(pid, name); return true; } catch { return false; } };
let reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  for (const pid of pids) if (!signal(pid, 'SIGTERM')) pids.delete(pid);
  const deadline = Date.now() + ${String(GRACE_MS)};
  const check = () => {
    for (const pid of pids) if (!signal(pid, 0)) pids.delete(pid);
    if (pids.size > 0 && Date.now() < deadline) { setTimeout(check, 100); return; }
    for (const pid of pids) signal(pid, 'SIGKILL');
    if (root) rmSync(root, { recursive: true, force: true });
    process.exit(0);
  };
  check();
};
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
process.stdin.resume();
`;

/**
 * A small Node process that outlives nothing: the simulator's guarantee that
 * its agents end with it. MCP agents end when their stdin closes, but
 * autonomous ones ignore stdin, as ECHO's do, and would otherwise be left
 * running (re-parented to init) by a simulator that is killed. It runs in a
 * process group of its own, so Ctrl-C in the simulator's terminal leaves the
 * stopping to the simulator.
 */
export class AgentReaper {
  private constructor(
    private readonly child: ChildProcess,
    private readonly stdin: Writable,
    private readonly exited: Promise<void>,
  ) {}

  static async start(root: string, nodePath: string): Promise<AgentReaper> {
    const program = join(root, 'reaper.cjs');
    await writeFile(program, REAPER_PROGRAM);
    const child = spawn(nodePath, [program, root], {
      env: childEnvironment({ ELECTRON_RUN_AS_NODE: '1' }),
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      windowsHide: true,
    });
    // A write to a reaper that already ended fails with EPIPE; there is nothing left to tell it.
    child.stdin.on('error', () => undefined);
    const exited = exitOf(child);
    await once(child, 'spawn');
    child.on('error', () => undefined);
    // A simulator that is never stopped must not be kept alive by its reaper.
    child.unref();
    const stdin: Writable & { unref?: () => void } = child.stdin;
    stdin.unref?.();
    return new AgentReaper(child, child.stdin, exited);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  watch(pid: number): void {
    this.tell(`+${String(pid)}`);
  }

  forget(pid: number): void {
    this.tell(`-${String(pid)}`);
  }

  private tell(line: string): void {
    // An agent that ends after the reaper was closed has nobody left to tell.
    if (!this.stdin.writableEnded) this.stdin.write(`${line}\n`);
  }

  /** Ends it: whatever agents it still watches get its SIGTERM, then SIGKILL. */
  async close(): Promise<void> {
    this.stdin.end();
    await awaitExit(this.child, this.exited, GRACE_MS + 2000);
  }
}
