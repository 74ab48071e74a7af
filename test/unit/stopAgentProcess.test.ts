import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScannedProcess } from '../../src/main/sources/processes/scannedProcess';
import { pidRuns, type ListedProcess } from '../../src/main/sources/processes/processListing';
import type { ProcessStart } from '../../src/main/sources/processes/processStartTime';
import {
  stopAgentProcess,
  stopScannedAgent,
  type ScannedStopTarget,
  type StopAgentOptions,
} from '../../src/main/sources/processes/stopAgentProcess';
import { pidExists } from '../support/echoAgentProcess';

const ROOT = '/home/ana/echo';
const UID = 1000;

const ESCRIPT_VM_ARGUMENTS = [
  '-B',
  '--',
  '-root',
  '/usr/lib/erlang',
  '-progname',
  'erl',
  '--',
  '-home',
  '/home/ana',
  '--',
  '-noshell',
  '-run',
  'escript',
  'start',
  '-extra',
];

/** What `describe` says of a pid: by default the cto's VM under ROOT, this user's. */
function listed(pid: number, overrides: Partial<ListedProcess> = {}, role = 'cto', root = ROOT): ListedProcess {
  const script = `${root}/apps/${role}/${role}`;
  const argv = overrides.argv ?? [script, ...ESCRIPT_VM_ARGUMENTS, script, '--autonomous'];
  return {
    pid,
    ppid: 1400,
    uid: UID,
    executable: 'beam.smp',
    argv,
    commandLine: argv.join(' '),
    cwd: `${root}/apps/${role}`,
    ...overrides,
  };
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
    exitsWithin: async (ms) =>
      child.exitCode !== null || child.signalCode !== null
        ? true
        : Promise.race([exit.then(() => true), delay(ms).then(() => false)]),
  };
}

/** The start the scan measured; the fake clock of starts below says every running child started then. */
const SCANNED: ProcessStart = { ticks: 4242, at: null };
const LATER: ProcessStart = { ticks: 9999, at: null };

const target = (pid: number, role = 'cto', root = ROOT): ScannedStopTarget => ({ pid, role, root, start: SCANNED });
const describing = (answer: ListedProcess | null) => () => Promise.resolve(answer);
const notSent = (error: string) => ({ ok: false, failure: 'not_sent', error });

/** Starts as the platform would read them: the scanned start while the child runs, none once it has exited. */
const startsOf = (start: ProcessStart = SCANNED): Pick<StopAgentOptions, 'startOf' | 'lastLook'> => ({
  startOf: (pid) => Promise.resolve(pidRuns(pid) ? start : null),
  lastLook: (pid) => (pidRuns(pid) ? start : null),
});

describe('stopAgentProcess', () => {
  it('refuses a wrapper that carries the agent’s path, and signals nothing', async () => {
    const child = await startChild();
    const wrapper = listed(child.pid, {
      executable: 'timeout',
      argv: ['timeout', '60', `${ROOT}/apps/cto/cto`, '--autonomous'],
    });
    expect(
      await stopAgentProcess(target(child.pid), { describe: describing(wrapper), uid: UID, ...startsOf() }),
    ).toEqual(notSent(`pid ${child.pid} is not cto's Erlang VM; nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
    expect(pidExists(child.pid)).toBe(true);
  });

  it('refuses this very process described as a wrapper, which is still alive after', async () => {
    const wrapper = listed(process.pid, {
      executable: 'bash',
      argv: ['bash', '-c', `while true; do "${ROOT}/apps/cto/cto" --autonomous; done`],
    });
    expect(
      await stopAgentProcess(target(process.pid), { describe: describing(wrapper), uid: UID, ...startsOf() }),
    ).toEqual(notSent(`pid ${process.pid} is not cto's Erlang VM; nothing was signalled`));
    expect(pidExists(process.pid)).toBe(true);
  });

  it('refuses another role’s VM, and the delegator’s', async () => {
    const child = await startChild();
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: describing(listed(child.pid, {}, 'ceo')),
        uid: UID,
        ...startsOf(),
      }),
    ).toEqual(notSent(`pid ${child.pid} is not cto's Erlang VM; nothing was signalled`));
    expect(
      await stopAgentProcess(target(child.pid, 'delegator'), {
        describe: describing(listed(child.pid, { argv: null }, 'delegator')),
        uid: UID,
        ...startsOf(),
      }),
    ).toEqual(notSent(`pid ${child.pid} is not delegator's Erlang VM; nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses the role’s VM under another root, or under one it cannot tell', async () => {
    const child = await startChild();
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: describing(listed(child.pid, {}, 'cto', '/srv/echo-next')),
        uid: UID,
        ...startsOf(),
      }),
    ).toEqual(notSent(`pid ${child.pid} runs cto from /srv/echo-next, not from ${ROOT}; nothing was signalled`));
    const relative = listed(child.pid, {
      argv: ['./apps/cto/cto', ...ESCRIPT_VM_ARGUMENTS, './apps/cto/cto', '--autonomous'],
      cwd: null,
    });
    expect(
      await stopAgentProcess(target(child.pid), { describe: describing(relative), uid: UID, ...startsOf() }),
    ).toEqual(
      notSent(
        `pid ${child.pid} runs cto from a checkout this machine cannot tell, not from ${ROOT}; nothing was signalled`,
      ),
    );
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses another user’s VM', async () => {
    const child = await startChild();
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: describing(listed(child.pid, { uid: 1001 })),
        uid: UID,
        ...startsOf(),
      }),
    ).toEqual(notSent(`pid ${child.pid} belongs to another user (uid 1001); nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses a pid that no longer runs', async () => {
    const child = await startChild();
    expect(await stopAgentProcess(target(child.pid), { describe: describing(null), uid: UID, ...startsOf() })).toEqual(
      notSent(`pid ${child.pid} no longer runs; nothing was signalled`),
    );
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses a Node stand-in unless node is among the extra VM executables', async () => {
    const child = await startChild();
    const standIn = listed(child.pid, {
      executable: 'node',
      argv: ['/usr/bin/node', `${ROOT}/apps/cto/cto`, '--autonomous'],
    });
    expect(
      await stopAgentProcess(target(child.pid), { describe: describing(standIn), uid: UID, ...startsOf() }),
    ).toEqual(notSent(`pid ${child.pid} is not cto's Erlang VM; nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: describing(standIn),
        uid: UID,
        extraVmExecutables: ['node'],
        ...startsOf(),
      }),
    ).toEqual({ ok: true });
    expect(await child.exitsWithin(2000)).toBe(true);
    expect(child.process.signalCode).toBe('SIGTERM');
  });

  it('signals the role’s VM under that root, of this user, and waits for it to exit', async () => {
    const child = await startChild();
    const asked: number[] = [];
    const describe = (pid: number): Promise<ListedProcess> => (asked.push(pid), Promise.resolve(listed(pid)));
    expect(await stopAgentProcess(target(child.pid), { describe, uid: UID, pollMs: 10, ...startsOf() })).toEqual({
      ok: true,
    });
    expect(await child.exitsWithin(2000)).toBe(true);
    expect(child.process.signalCode).toBe('SIGTERM');
    expect(pidExists(child.pid)).toBe(false);
    expect(asked).toEqual([child.pid]);
  });

  it('says so when the VM has not exited in time, and leaves it running', async () => {
    const child = await startChild(true);
    const started = performance.now();
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: (pid) => Promise.resolve(listed(pid)),
        uid: UID,
        timeoutMs: 300,
        pollMs: 20,
        ...startsOf(),
      }),
    ).toEqual({
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
    const describe = (pid: number): Promise<ListedProcess> =>
      Promise.resolve((reads += 1) === 1 ? listed(pid) : listed(pid, { executable: 'bash', argv: ['bash'] }));
    expect(
      await stopAgentProcess(target(child.pid), { describe, uid: UID, timeoutMs: 100, pollMs: 20, ...startsOf() }),
    ).toEqual({ ok: true });
    expect(reads).toBe(2);
  });

  it('refuses what is not a process id before reading anything', async () => {
    const asked: number[] = [];
    const describe = (pid: number): Promise<ListedProcess | null> => (asked.push(pid), Promise.resolve(null));
    for (const pid of [0, -1, 1.5, Number.NaN]) {
      expect(await stopAgentProcess(target(pid), { describe, uid: UID, ...startsOf() })).toEqual(
        notSent(`${pid} is not a process id`),
      );
    }
    expect(asked).toEqual([]);
  });

  it('says why when it cannot read the process', async () => {
    const describe = (): Promise<ListedProcess | null> =>
      Promise.reject(new Error('EACCES: permission denied, open /proc/4242/cmdline'));
    expect(await stopAgentProcess(target(4242), { describe, uid: UID, ...startsOf() })).toEqual(
      notSent('could not read pid 4242: EACCES: permission denied, open /proc/4242/cmdline'),
    );
  });
  it('refuses a process that runs as another user in part (an effective id not this user’s), and one whose owner cannot be read', async () => {
    const child = await startChild();
    const partly = listed(child.pid, { uid: UID, uids: [UID, 65534, 65534, 65534] });
    expect(
      await stopAgentProcess(target(child.pid), { describe: describing(partly), uid: UID, ...startsOf() }),
    ).toEqual(notSent(`pid ${child.pid} belongs to another user (uid ${UID}); nothing was signalled`));
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: describing(listed(child.pid, { uid: null })),
        uid: UID,
        ...startsOf(),
      }),
    ).toEqual(notSent(`pid ${child.pid} belongs to another user (uid unknown); nothing was signalled`));
    // Root's monitor signals only root's agents.
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: describing(listed(child.pid, { uid: UID })),
        uid: 0,
        ...startsOf(),
      }),
    ).toEqual(notSent(`pid ${child.pid} belongs to another user (uid ${UID}); nothing was signalled`));
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('refuses a pid that is now a later process than the one the scan found, however alike', async () => {
    const child = await startChild();
    expect(
      await stopAgentProcess(target(child.pid), {
        describe: (pid) => Promise.resolve(listed(pid)),
        uid: UID,
        ...startsOf(LATER),
      }),
    ).toEqual(
      notSent(
        `pid ${child.pid} is no longer the process the scan found (it started at another time); nothing was signalled`,
      ),
    );
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('looks once more right before the signal, and signals nothing when the pid changed hands in between', async () => {
    const child = await startChild();
    const looks: number[] = [];
    const options: StopAgentOptions = {
      describe: (pid) => Promise.resolve(listed(pid)),
      uid: UID,
      startOf: () => Promise.resolve(SCANNED),
      lastLook: (pid) => (looks.push(pid), LATER),
    };
    expect(await stopAgentProcess(target(child.pid), options)).toEqual(
      notSent(
        `pid ${child.pid} is no longer the process the scan found (it started at another time); nothing was signalled`,
      ),
    );
    expect(looks).toEqual([child.pid]);
    expect(await child.exitsWithin(200)).toBe(false);
  });

  it('counts a VM that exited between the check and the signal as stopped, and signals nothing', async () => {
    const child = await startChild();
    const options: StopAgentOptions = {
      describe: (pid) => Promise.resolve(listed(pid)),
      uid: UID,
      startOf: () => Promise.resolve(SCANNED),
      lastLook: () => null,
    };
    expect(await stopAgentProcess(target(child.pid), options)).toEqual({ ok: true });
    expect(await child.exitsWithin(200)).toBe(false);
  });
});

describe('stopScannedAgent', () => {
  const scanned = (found: ScannedProcess | null) => ({ found: () => found });
  const echo = (role = 'cto', root: string | null = ROOT) => ({
    kind: 'agent' as const,
    role,
    root,
    form: 'autonomous' as const,
  });
  const stop = { pid: 4242, role: 'cto', root: ROOT };

  it('signals nothing that this machine’s scan did not find as the role’s VM under the root, wholly this user’s', async () => {
    const reads: number[] = [];
    const options: StopAgentOptions = {
      uid: UID,
      describe: (pid) => (reads.push(pid), Promise.resolve(listed(pid))),
      ...startsOf(),
    };
    expect(await stopScannedAgent(stop, null, options)).toEqual(
      notSent("pid 4242 is not a process this machine's scan found running cto; nothing was signalled"),
    );
    expect(await stopScannedAgent(stop, scanned(null), options)).toEqual(
      notSent("pid 4242 is not a process this machine's scan found running cto; nothing was signalled"),
    );
    const found = { pid: 4242, echo: echo(), uid: UID, uids: [UID, UID, UID, UID], start: SCANNED };
    expect(await stopScannedAgent(stop, scanned({ ...found, echo: echo('ceo') }), options)).toEqual(
      notSent("pid 4242 is not cto's Erlang VM; nothing was signalled"),
    );
    expect(
      await stopScannedAgent(stop, scanned({ ...found, echo: { ...echo(), kind: 'delegator' } }), options),
    ).toEqual(notSent("pid 4242 is not cto's Erlang VM; nothing was signalled"));
    expect(await stopScannedAgent(stop, scanned({ ...found, echo: echo('cto', '/srv/echo-next') }), options)).toEqual(
      notSent(`pid 4242 runs cto from /srv/echo-next, not from ${ROOT}; nothing was signalled`),
    );
    expect(await stopScannedAgent(stop, scanned({ ...found, uid: 65534, uids: null }), options)).toEqual(
      notSent('pid 4242 belongs to another user (uid 65534); nothing was signalled'),
    );
    expect(await stopScannedAgent(stop, scanned({ ...found, uids: [UID, 0, UID, UID] }), options)).toEqual(
      notSent(`pid 4242 belongs to another user (uid ${UID}); nothing was signalled`),
    );
    expect(reads).toEqual([]);
  });

  it('hands the scan’s start to the stop, which refuses a later process given the pid', async () => {
    const child = await startChild();
    const found = { pid: child.pid, echo: echo(), uid: UID, uids: null, start: SCANNED };
    const options: StopAgentOptions = { uid: UID, describe: (pid) => Promise.resolve(listed(pid)), ...startsOf(LATER) };
    expect(await stopScannedAgent({ ...stop, pid: child.pid }, scanned(found), options)).toEqual(
      notSent(
        `pid ${child.pid} is no longer the process the scan found (it started at another time); nothing was signalled`,
      ),
    );
    expect(
      await stopScannedAgent({ ...stop, pid: child.pid }, scanned(found), { ...options, ...startsOf(), pollMs: 10 }),
    ).toEqual({ ok: true });
    expect(await child.exitsWithin(2000)).toBe(true);
  });
});
