import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import {
  heldMegabytes,
  isSafeRole,
  launchPlan,
  runtimeOf,
  type AgentLaunch,
  type AgentRuntime,
  type AgentVm,
  type LaunchForm,
} from './agentLaunch';
import { standInProgram } from './agentProgram';
import { AgentReaper, GRACE_MS } from './agentReaper';
import { awaitExit, childEnvironment, exitOf, signal } from './childExit';
import { erlangAvailable } from './escriptLookup';
import { escriptProgram } from './escriptProgram';

export type { AgentLaunch, AgentRuntime, LaunchForm } from './agentLaunch';

/** How often SIGTERM is sent again to an agent that has not ended yet. */
const SIGTERM_AGAIN_MS = 200;

/** What the simulator needs of its agents' OS processes; tests may bring their own. */
export interface AgentProcessHost {
  /**
   * Starts the agent's process in the given form and resolves with its pid.
   * `onUnexpectedExit` is called with its pid if it ends without being asked to.
   */
  launch(agent: AgentLaunch, onUnexpectedExit: (pid: number) => void): Promise<number>;
  /** Ends it as it can be ended: stdin closed (MCP), else SIGTERM; SIGKILL after a grace period. */
  stop(role: string): Promise<void>;
  /** Kills it outright, as a crash would end it, and waits for it to end. */
  kill(role: string): Promise<void>;
  /** Ends every agent still running and removes what `launch` wrote. */
  close(): Promise<void>;
  /** What runs the agents, and the executables' names the OS shows for them. */
  runtime(): Promise<AgentRuntime>;
}

export interface AgentProcessesOptions {
  /** `auto` (the default): Erlang VMs where `escript` is on PATH, else Node stand-ins. */
  readonly vm?: AgentVm | 'auto';
}

interface Child {
  readonly process: ChildProcess;
  readonly form: LaunchForm;
  readonly exited: Promise<void>;
  expected: boolean;
}

/**
 * Agents as real processes under a temporary ECHO root of their own: an
 * escript per role, run by the Erlang VM, or a Node stand-in where Erlang is
 * missing, each started in its form (agentLaunch.ts). Every one is stopped by
 * its pid on `close()`; a reaper process ends those left behind by a
 * simulator that died without closing (agentReaper.ts).
 */
export class AgentProcesses implements AgentProcessHost {
  private root: Promise<string> | null = null;
  private reaper: Promise<AgentReaper> | null = null;
  private vmChoice: Promise<AgentVm> | null = null;
  private readonly children = new Map<string, Child>();

  constructor(private readonly options: AgentProcessesOptions = {}) {}

  async runtime(): Promise<AgentRuntime> {
    return runtimeOf(await this.vm(), process.execPath);
  }

  async launch(agent: AgentLaunch, onUnexpectedExit: (pid: number) => void): Promise<number> {
    const { role } = agent;
    if (!isSafeRole(role)) throw new Error(`cannot launch an agent named ${JSON.stringify(role)}`);
    if (this.children.has(role)) await this.stop(role);
    const vm = await this.vm();
    const root = await this.rootDir();
    const plan = launchPlan(agent, { vm, root, nodePath: process.execPath, launcherCwd: process.cwd() });
    await writeProgram(
      plan.script,
      vm === 'erlang' ? escriptProgram(role, heldMegabytes(role)) : standInProgram(heldMegabytes(role)),
    );
    const reaper = await this.reaperFor(root);
    const child = spawn(plan.command, [...plan.args], {
      cwd: plan.cwd,
      env: childEnvironment(plan.env),
      stdio: [plan.stdin, 'ignore', 'ignore'],
      // Its own process group, as a delegator's port gives it: Ctrl-C in the simulator's terminal is not the agent's.
      detached: true,
      windowsHide: true,
    });
    // Writing to an agent that already ended fails with EPIPE; its exit says all there is.
    child.stdin?.on('error', () => undefined);
    const exited = exitOf(child);
    await once(child, 'spawn');
    // From here on an error is a failed signal to an agent that already ended; its exit is what counts.
    child.on('error', () => undefined);
    const pid = child.pid ?? 0;
    reaper.watch(pid);
    const entry: Child = { process: child, form: agent.form, exited, expected: false };
    this.children.set(role, entry);
    void exited.then(() => {
      reaper.forget(pid);
      if (this.children.get(role) === entry) this.children.delete(role);
      if (!entry.expected) onUnexpectedExit(pid);
    });
    // A simulator that is never stopped must not be kept alive by its agents; the reaper ends them with it.
    child.unref();
    // A pipe's stdin is a socket, which can be unref'd; the type says only Writable.
    const stdin: (Writable & { unref?: () => void }) | null = child.stdin;
    stdin?.unref?.();
    return pid;
  }

  /** The pids of the agents running now: the demo's machine counts their memory as used. */
  pids(): number[] {
    return [...this.children.values()].flatMap((child) => (child.process.pid === undefined ? [] : [child.process.pid]));
  }

  async stop(role: string): Promise<void> {
    const child = this.children.get(role);
    if (!child) return;
    child.expected = true;
    // An MCP agent ends when its stdin ends; the others ignore stdin, as ECHO's do, and the VM ends on SIGTERM.
    if (child.form === 'mcp' && child.process.stdin) {
      child.process.stdin.end();
      await awaitExit(child.process, child.exited, GRACE_MS);
      return;
    }
    signal(child.process.pid, 'SIGTERM');
    // A VM still setting itself up drops SIGTERM (from about 80 ms after its start to 250 ms, longer on a busy
    // machine), which left a Stop soon after a spawn to wait out the grace period; asking again is harmless.
    const again = setInterval(() => signal(child.process.pid, 'SIGTERM'), SIGTERM_AGAIN_MS);
    try {
      await awaitExit(child.process, child.exited, GRACE_MS);
    } finally {
      clearInterval(again);
    }
  }

  async kill(role: string): Promise<void> {
    const child = this.children.get(role);
    if (!child) return;
    child.expected = true;
    signal(child.process.pid, 'SIGKILL');
    await awaitExit(child.process, child.exited, GRACE_MS);
  }

  async close(): Promise<void> {
    await Promise.all([...this.children.keys()].map((role) => this.stop(role)));
    const reaper = this.reaper;
    this.reaper = null;
    if (reaper) await (await reaper).close();
    const root = this.root;
    this.root = null;
    if (root) await rm(await root, { recursive: true, force: true });
  }

  /** The ECHO root the agents live under (`<root>/apps/<role>/<role>`), made now if it is not yet. */
  rootDir(): Promise<string> {
    if (!this.root) {
      const made = mkdtemp(join(tmpdir(), 'echo-simulator-'));
      this.root = made;
      // A root that could not be made is tried again by the next launch.
      made.catch(() => {
        if (this.root === made) this.root = null;
      });
    }
    return this.root;
  }

  private vm(): Promise<AgentVm> {
    const chosen = this.options.vm ?? 'auto';
    this.vmChoice ??=
      chosen === 'auto' ? erlangAvailable().then((erlang) => (erlang ? 'erlang' : 'node')) : Promise.resolve(chosen);
    return this.vmChoice;
  }

  private reaperFor(root: string): Promise<AgentReaper> {
    if (!this.reaper) {
      const started = AgentReaper.start(root, process.execPath);
      this.reaper = started;
      // A reaper that could not start is tried again by the next launch.
      started.catch(() => {
        if (this.reaper === started) this.reaper = null;
      });
    }
    return this.reaper;
  }
}

/** Writes an agent's program where its form keeps it, executable, as an escript is. */
async function writeProgram(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { flag: 'w' });
  await chmod(path, 0o755);
}
