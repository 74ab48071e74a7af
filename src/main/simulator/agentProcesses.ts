import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { AGENT_PROGRAM } from './agentProgram';

/** What the simulator needs of its agents' OS processes; tests may bring their own. */
export interface AgentProcessHost {
  /**
   * Starts the agent's process as ECHO starts it and resolves with its pid.
   * `onUnexpectedExit` is called with its pid if it ends without being asked to.
   */
  launch(role: string, model: string, onUnexpectedExit: (pid: number) => void): Promise<number>;
  /** Closes its stdin (ECHO closes the port) and waits for it to end. */
  stop(role: string): Promise<void>;
  /** Kills it outright, as a crash would end it, and waits for it to end. */
  kill(role: string): Promise<void>;
  /** Ends every agent still running and removes what `launch` wrote. */
  close(): Promise<void>;
}

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  expected: boolean;
}

/** How long an agent may take to end after its stdin closes, before it is killed. */
const GRACE_MS = 3000;

/** ECHO's variable for an agent's model: `senior_developer` → `SENIOR_DEVELOPER_MODEL`. */
export const modelVariable = (role: string): string => `${role.toUpperCase()}_MODEL`;

function isSafeRole(role: string): boolean {
  return /^[a-z0-9_]+$/i.test(role);
}

/**
 * Agents as real child processes, launched as ECHO's delegator launches them:
 * `<root>/apps/<role>/<role> --autonomous` with `<ROLE>_MODEL` and
 * `AGENT_AUTONOMOUS=true`, under a temporary root of its own. The executable is
 * this process's own (`process.execPath`), so it works on every platform and
 * inside Electron.
 */
export class AgentProcesses implements AgentProcessHost {
  private root: Promise<string> | null = null;
  private readonly children = new Map<string, Child>();

  async launch(role: string, model: string, onUnexpectedExit: (pid: number) => void): Promise<number> {
    // The role becomes a path and a variable name.
    if (!isSafeRole(role)) throw new Error(`cannot launch an agent named ${JSON.stringify(role)}`);
    if (this.children.has(role)) await this.stop(role);
    const program = await this.programFor(role);
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', [modelVariable(role)]: model, AGENT_AUTONOMOUS: 'true' };
    // The parent's loader hooks and inspector flags (tsx, --inspect) are not the agent's.
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [program, '--autonomous'], { env, stdio: ['pipe', 'ignore', 'ignore'], windowsHide: true });
    // Writing to an agent that already ended fails with EPIPE; its exit says all there is.
    child.stdin.on('error', () => undefined);
    await once(child, 'spawn');
    // From here on an error is a failed kill of an agent that already ended; its exit is what counts.
    child.on('error', () => undefined);
    const entry: Child = {
      process: child,
      exited: new Promise((resolve) => child.once('exit', () => {
        resolve();
      })),
      expected: false,
    };
    this.children.set(role, entry);
    void entry.exited.then(() => {
      if (this.children.get(role) === entry) this.children.delete(role);
      if (!entry.expected) onUnexpectedExit(child.pid ?? 0);
    });
    // A simulator that is never stopped must not keep its process alive; its agents end with it through stdin.
    child.unref();
    // A pipe's stdin is a socket, which can be unref'd; the type says only Writable.
    const stdin: Writable & { unref?: () => void } = child.stdin;
    stdin.unref?.();
    return child.pid ?? 0;
  }

  async stop(role: string): Promise<void> {
    const child = this.children.get(role);
    if (!child) return;
    child.expected = true;
    child.process.stdin?.end();
    await this.awaitExit(child, GRACE_MS);
  }

  async kill(role: string): Promise<void> {
    const child = this.children.get(role);
    if (!child) return;
    child.expected = true;
    child.process.kill('SIGKILL');
    await this.awaitExit(child, GRACE_MS);
  }

  async close(): Promise<void> {
    await Promise.all([...this.children.keys()].map((role) => this.stop(role)));
    const root = this.root;
    this.root = null;
    if (root) await rm(await root, { recursive: true, force: true });
  }

  /** Waits for the exit, killing it if it takes too long; the timer also keeps the event loop up meanwhile. */
  private async awaitExit(child: Child, graceMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => {
        resolve('late');
      }, graceMs);
    });
    const outcome = await Promise.race([child.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      child.process.kill('SIGKILL');
      await child.exited;
    }
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

  /** Writes the agent's program where ECHO keeps the role's escript, making the root on the first launch. */
  private async programFor(role: string): Promise<string> {
    const directory = join(await this.rootDir(), 'apps', role);
    const path = join(directory, role);
    await mkdir(directory, { recursive: true });
    await writeFile(path, AGENT_PROGRAM, { flag: 'w' });
    // Executable, as an escript is; Node does not need it, a person listing the folder sees what it is.
    await chmod(path, 0o755);
    return path;
  }
}
