import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListedProcess } from '../../src/main/sources/processListing';
import { stopAgentProcess, type StopTarget } from '../../src/main/sources/stopAgentProcess';
import { pidExists } from '../support/echoAgentProcess';

const ROOT = '/home/ana/echo';
const UID = 1000;

const ESCRIPT_VM_ARGUMENTS = ['-B', '--', '-root', '/usr/lib/erlang', '-progname', 'erl', '--', '-home', '/home/ana', '--', '-noshell', '-run', 'escript', 'start', '-extra'];

/** What `describe` says of a pid: by default the cto's VM under ROOT, this user's. */
function listed(pid: number, overrides: Partial<ListedProcess> = {}, role = 'cto', root = ROOT): ListedProcess {
  const script = `${root}/apps/${role}/${role}`;
  const argv = overrides.argv ?? [script, ...ESCRIPT_VM_ARGUMENTS, script, '--autonomous'];
  return { pid, ppid: 1400, uid: UID, executable: 'beam.smp', argv, commandLine: argv.join(' '), cwd: `${root}/apps/${role}`, ...overrides };
}

/** A real process of this test's, which dies on SIGTERM unless told to ignore it. */
interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Whether it exited within `ms` from now. */
  exitsWithin(ms: number): Promise<boolean>;
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
});

async function startChild(ignoreSigterm = false): Promise<Child> {
  const program = `${ignoreSigterm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 60_000); process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const exit = once(child, 'exit');
  await once(child.stdout, 'data');
  child.stdout.resume();
  const pid = child.pid;
  if (pid === undefined) throw new Error('the child did not start');
  return {
    pid,
    process: child,
    exitsWithin: async (ms) => (child.exitCode !== null || child.signalCode !== null ? true : Promise.race([exit.then(() => true), delay(ms).then(() => false)])),
  };
}

const target = (pid: number, role = 'cto', root = ROOT): StopTarget => ({ pid, role, root });
const describing = (answer: ListedProcess | null) => () => Promise.resolve(answer);
const notSent = (error: string) => ({ ok: false, failure: 'not_sent', error });

describe('stopAgentProcess', () => {
  it('refuses a wrapper that carries the agent’s path, and signals nothing', async () => {
    const child = await startChild();
    const wrapper = listed(child.pid, { executable: 'timeout', argv: ['timeout', '60', `${ROOT}/apps/cto/cto`, '--autonomous'] });
    expect(await stopAgentProcess(target(child.pid), { describe: describing(wrapper), uid: UID })).toEqual(notSent(`pid ${child.pid} is not cto's Erlang VM; nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
    expect(pidExists(child.pid)).toBe(true);
  });

  it('refuses this very process described as a wrapper, which is still alive after', async () => {
    const wrapper = listed(process.pid, { executable: 'bash', argv: ['bash', '-c', `while true; do "${ROOT}/apps/cto/cto" --autonomous; done`] });
    expect(await stopAgentProcess(target(process.pid), { describe: describing(wrapper), uid: UID })).toEqual(
      notSent(`pid ${process.pid} is not cto's Erlang VM; nothing was signalled`),
    );
    expect(pidExists(process.pid)).toBe(true);
  });

  it('refuses another role’s VM, and the delegator’s', async () => {
    const child = await startChild();
    expect(await stopAgentProcess(target(child.pid), { describe: describing(listed(child.pid, {}, 'ceo')), uid: UID })).toEqual(
      notSent(`pid ${child.pid} is not cto's Erlang VM; nothing was signalled`),
    );
    expect(await stopAgentProcess(target(child.pid, 'delegator'), { describe: describing(listed(child.pid, { argv: null }, 'delegator')), uid: UID })).toEqual(
      notSent(`pid ${child.pid} is not delegator's Erlang VM; nothing was signalled`),
    );
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses the role’s VM under another root, or under one it cannot tell', async () => {
    const child = await startChild();
    expect(await stopAgentProcess(target(child.pid), { describe: describing(listed(child.pid, {}, 'cto', '/srv/echo-next')), uid: UID })).toEqual(
      notSent(`pid ${child.pid} runs cto from /srv/echo-next, not from ${ROOT}; nothing was signalled`),
    );
    const relative = listed(child.pid, { argv: ['./apps/cto/cto', ...ESCRIPT_VM_ARGUMENTS, './apps/cto/cto', '--autonomous'], cwd: null });
    expect(await stopAgentProcess(target(child.pid), { describe: describing(relative), uid: UID })).toEqual(
      notSent(`pid ${child.pid} runs cto from a checkout this machine cannot tell, not from ${ROOT}; nothing was signalled`),
    );
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses another user’s VM', async () => {
    const child = await startChild();
    expect(await stopAgentProcess(target(child.pid), { describe: describing(listed(child.pid, { uid: 1001 })), uid: UID })).toEqual(
      notSent(`pid ${child.pid} belongs to another user (uid 1001); nothing was signalled`),
    );
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses a pid that no longer runs', async () => {
    const child = await startChild();
    expect(await stopAgentProcess(target(child.pid), { describe: describing(null), uid: UID })).toEqual(notSent(`pid ${child.pid} no longer runs; nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses a Node stand-in unless node is among the extra VM executables', async () => {
    const child = await startChild();
    const standIn = listed(child.pid, { executable: 'node', argv: ['/usr/bin/node', `${ROOT}/apps/cto/cto`, '--autonomous'] });
    expect(await stopAgentProcess(target(child.pid), { describe: describing(standIn), uid: UID })).toEqual(notSent(`pid ${child.pid} is not cto's Erlang VM; nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
    expect(await stopAgentProcess(target(child.pid), { describe: describing(standIn), uid: UID, extraVmExecutables: ['node'] })).toEqual({ ok: true });
    expect(await child.exitsWithin(2000)).toBe(true);
    expect(child.process.signalCode).toBe('SIGTERM');
  });

  it('signals the role’s VM under that root, of this user, and waits for it to exit', async () => {
    const child = await startChild();
    const asked: number[] = [];
    const describe = (pid: number): Promise<ListedProcess> => (asked.push(pid), Promise.resolve(listed(pid)));
    expect(await stopAgentProcess(target(child.pid), { describe, uid: UID, pollMs: 10 })).toEqual({ ok: true });
    expect(await child.exitsWithin(2000)).toBe(true);
    expect(child.process.signalCode).toBe('SIGTERM');
    expect(pidExists(child.pid)).toBe(false);
    expect(asked).toEqual([child.pid]);
  });

  it('says so when the VM has not exited in time, and leaves it running', async () => {
    const child = await startChild(true);
    const started = performance.now();
    expect(await stopAgentProcess(target(child.pid), { describe: (pid) => Promise.resolve(listed(pid)), uid: UID, timeoutMs: 300, pollMs: 20 })).toEqual({
      ok: false,
      failure: 'no_answer',
      error: `cto (pid ${child.pid}) has not exited within 0.3 s`,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(pidExists(child.pid)).toBe(true);
  });

  it('counts the stop done when the pid runs something else by the deadline', async () => {
    const child = await startChild(true);
    let reads = 0;
    // Read once before the signal; by the deadline the pid is another process's.
    const describe = (pid: number): Promise<ListedProcess> => Promise.resolve((reads += 1) === 1 ? listed(pid) : listed(pid, { executable: 'bash', argv: ['bash'] }));
    expect(await stopAgentProcess(target(child.pid), { describe, uid: UID, timeoutMs: 100, pollMs: 20 })).toEqual({ ok: true });
    expect(reads).toBe(2);
  });

  it('refuses what is not a process id before reading anything', async () => {
    const asked: number[] = [];
    const describe = (pid: number): Promise<ListedProcess | null> => (asked.push(pid), Promise.resolve(null));
    for (const pid of [0, -1, 1.5, Number.NaN]) {
      expect(await stopAgentProcess(target(pid), { describe, uid: UID })).toEqual(notSent(`${pid} is not a process id`));
    }
    expect(asked).toEqual([]);
  });

  it('says why when it cannot read the process', async () => {
    const describe = (): Promise<ListedProcess | null> => Promise.reject(new Error('EACCES: permission denied, open /proc/4242/cmdline'));
    expect(await stopAgentProcess(target(4242), { describe, uid: UID })).toEqual(notSent('could not read pid 4242: EACCES: permission denied, open /proc/4242/cmdline'));
  });
});
