import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { psLines } from '../support/psLines';
import type { AgentProcess } from '../../src/main/core/readings';
import {
  AgentProcessScanner,
  type AgentProcessScannerOptions,
} from '../../src/main/sources/processes/agentProcessScanner';
import type { Measurement } from '../../src/main/sources/processes/processMeasure';
import type { ListedProcess, ListingOptions } from '../../src/main/sources/processes/processListing';
import { ESCRIPT_VM_ARGUMENTS } from '../support/escriptVmArguments';

const ROOT = '/home/ana/echo';
const OTHER_ROOT = '/srv/echo-next';
/** The monitor's user. */
const UID = 1000;

/** A process of the fake machine: what a listing with details says of it, but its pid. */
type Shape = Omit<ListedProcess, 'pid' | 'commandLine'> & { readonly commandLine?: string };

interface VmOptions {
  readonly root?: string;
  readonly folder?: 'apps' | 'agents';
  /** The script's own arguments (default `--autonomous`). */
  readonly args?: readonly string[];
  readonly ppid?: number | null;
  readonly uid?: number | null;
  readonly cwd?: string | null;
}

/** The Erlang VM running `<root>/apps/<role>/<role>`, as Linux lists it. */
function vm(role: string, options: VmOptions = {}): Shape {
  const root = options.root ?? ROOT;
  const script = `${root}/${options.folder ?? 'apps'}/${role}/${role}`;
  return {
    executable: 'beam.smp',
    argv: [script, ...ESCRIPT_VM_ARGUMENTS, script, ...(options.args ?? ['--autonomous'])],
    cwd: options.cwd === undefined ? `${root}/apps/${role}` : options.cwd,
    ppid: options.ppid === undefined ? 1400 : options.ppid,
    uid: options.uid === undefined ? UID : options.uid,
  };
}

/** Any other process: a shell, a wrapper, an editor, Claude Desktop. */
function other(executable: string, argv: readonly string[], ppid: number | null = 1, uid: number | null = UID): Shape {
  return { executable, argv, cwd: ROOT, ppid, uid };
}

/** A machine's processes as a scanner sees them through its injected `list` and `measure`. */
class FakeMachine {
  readonly processes = new Map<number, { shape: Shape; startedAt: number; cpuPercent: number; rssBytes: number }>();
  listCalls = 0;
  measureCalls: number[][] = [];
  listings: ListingOptions[] = [];

  run(pid: number, shape: Shape, startedAt = 1_000): void {
    this.processes.set(pid, { shape, startedAt, cpuPercent: 12.5, rssBytes: 300_000_000 });
  }

  /** As the real listing: the arguments, cwd and owner only of the processes the scanner asks about. */
  list = (options: ListingOptions): Promise<ListedProcess[]> => {
    this.listCalls += 1;
    this.listings.push(options);
    return Promise.resolve(
      [...this.processes].map(([pid, { shape }]): ListedProcess => {
        const entry = { ...shape, pid, commandLine: shape.commandLine ?? shape.argv?.join(' ') ?? '' };
        return options.details(shape.executable)
          ? entry
          : { ...entry, uid: null, argv: null, commandLine: '', cwd: null };
      }),
    );
  };

  measure = (pids: readonly number[]): Promise<Map<number, Measurement>> => {
    this.measureCalls.push([...pids]);
    return Promise.resolve(
      new Map(
        pids.flatMap((pid) => {
          const found = this.processes.get(pid);
          return found
            ? [[pid, { cpuPercent: found.cpuPercent, rssBytes: found.rssBytes, startedAt: found.startedAt }] as const]
            : [];
        }),
      ),
    );
  };
}

type ScannerOptions = Omit<AgentProcessScannerOptions, 'list' | 'measure'>;

function scannerOn(machine: FakeMachine, options: ScannerOptions = {}): AgentProcessScanner {
  return new AgentProcessScanner({
    list: machine.list,
    measure: machine.measure,
    readModel: (pid, role) => Promise.resolve(`${role}-model-${pid}`),
    uid: UID,
    ...options,
  });
}

const pidsOf = (agents: readonly { pid: number }[]): number[] => agents.map((agent) => agent.pid);
const lineageOf = (process: AgentProcess | undefined) =>
  process && { parent: process.parent, launchedBy: process.launchedBy, orphaned: process.orphaned };

describe('AgentProcessScanner over a recorded listing', () => {
  /**
   * linux-ps.txt as a listing that gives the printed line only: OTP 25's VM prints the script's path first, its comm is
   * beam.smp.
   */
  function linuxPs(): ListedProcess[] {
    const text = readFileSync(join(import.meta.dirname, '../fixtures/process-listings/linux-ps.txt'), 'utf8');
    return psLines(text).map(({ pid, commandLine }) => {
      const executable = / -- -root \S+ .* -progname erl -- /.test(commandLine)
        ? 'beam.smp'
        : (commandLine
            .replace(/^\[|\]$/g, '')
            .split(' ')[0]
            ?.split('/')
            .at(-1) ?? null);
      return { pid, ppid: null, uid: null, executable, argv: null, commandLine, cwd: null };
    });
  }

  it('reports every copy of each role, both roots, and no lookalike', async () => {
    const measure = (pids: readonly number[]): Promise<Map<number, Measurement>> =>
      Promise.resolve(
        new Map(pids.map((pid) => [pid, { cpuPercent: 3, rssBytes: 50_000_000, startedAt: 1_700_000_000_000 + pid }])),
      );
    // The recording names no owners: read as on a machine without user ids.
    const scanner = new AgentProcessScanner({
      list: () => Promise.resolve(linuxPs()),
      measure,
      readModel: (pid) => Promise.resolve(`model-${pid}`),
      uid: null,
    });

    const first = await scanner.scan();
    expect(first.dropped).toEqual([]);
    expect(first.value.agents.map((agent) => [agent.pid, agent.role, agent.form])).toEqual([
      [22236, 'ceo', 'autonomous'],
      [22241, 'ceo', 'mcp'],
      [22245, 'ceo', 'mcp'],
      [22237, 'product_manager', 'autonomous'],
      [22235, 'senior_developer', 'autonomous'],
      [22530, 'senior_developer', 'autonomous'],
    ]);
    expect(first.value).toMatchObject({
      delegators: [],
      roots: ['/tmp/rec/home/ana/echo', '/tmp/rec/home/ana/my echo'],
      configuredRoot: null,
      otherRoots: 0,
      otherUsers: 0,
    });
    const ceo = first.value.agents[0];
    expect(ceo).toEqual({
      pid: 22236,
      role: 'ceo',
      model: 'model-22236',
      rssBytes: 50_000_000,
      cpuPercent: null,
      startedAt: 1_700_000_000_000 + 22236,
      root: '/tmp/rec/home/ana/echo',
      form: 'autonomous',
      uid: null,
      otherUser: false,
      parent: null,
      launchedBy: null,
      orphaned: false,
    });
    expect((await scanner.scan()).value.agents.map((agent) => agent.cpuPercent)).toEqual(
      first.value.agents.map(() => 3),
    );
  });
});

describe('AgentProcessScanner', () => {
  it('lists on the first scan, then every listEvery scans, and measures the known pids on every scan', async () => {
    const machine = new FakeMachine();
    machine.run(501, vm('ceo'));
    const scanner = scannerOn(machine, { listEvery: 3 });
    for (let scan = 0; scan < 7; scan += 1) expect(pidsOf((await scanner.scan()).value.agents)).toEqual([501]);
    // Scans 1, 4 and 7 list; each of the 7 measures pid 501 once.
    expect(machine.listCalls).toBe(3);
    expect(machine.measureCalls).toEqual(Array.from({ length: 7 }, () => [501]));
  });

  it('lists every sixth scan by default', async () => {
    const machine = new FakeMachine();
    const scanner = scannerOn(machine);
    for (let scan = 0; scan < 13; scan += 1) await scanner.scan();
    expect(machine.listCalls).toBe(3);
  });

  it('asks the listing for the arguments of the VM’s executables only, and of the extra ones it is given', async () => {
    const machine = new FakeMachine();
    await scannerOn(machine).scan();
    await scannerOn(machine, { extraVmExecutables: ['node'] }).scan();
    const [plain, withNode] = machine.listings;
    const asked = (listing: ListingOptions | undefined): boolean[] =>
      ['beam.smp', 'beam', 'erl.exe', 'werl.exe', 'ERL.EXE', 'timeout', 'bash', 'escript', 'node', null].map(
        (name) => listing?.details(name) ?? false,
      );
    expect(asked(plain)).toEqual([true, true, true, true, true, false, false, false, false, false]);
    expect(asked(withNode)).toEqual([true, true, true, true, true, false, false, false, true, false]);
  });

  it('finds an agent started between listings with the next listing, which runs beside a poll and counts at the one after', async () => {
    const machine = new FakeMachine();
    const scanner = scannerOn(machine, { listEvery: 2 });
    expect((await scanner.scan()).value.agents).toEqual([]);
    machine.run(502, vm('cto'));
    expect((await scanner.scan()).value.agents).toEqual([]);
    // The turn's listing runs beside this poll, which does not wait for it.
    expect((await scanner.scan()).value.agents).toEqual([]);
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([502]);
  });

  it('lists at once when asked (a heartbeat with no process known), and says when the listing it reports was made', async () => {
    const machine = new FakeMachine();
    let now = 1_000;
    const scanner = scannerOn(machine, { listEvery: 100, now: () => now });
    expect((await scanner.scan()).value.listedAt).toBe(1_000);
    now = 5_000;
    machine.run(503, vm('cto'));
    scanner.lookNow();
    // Asked twice before it ends: one listing, not two.
    scanner.lookNow();
    expect(machine.listCalls).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    now = 6_000;
    const next = await scanner.scan();
    expect(pidsOf(next.value.agents)).toEqual([503]);
    expect(next.value.listedAt).toBe(5_000);
  });

  it('calls onListed once a listing beside the polls has found an agent not followed, and not for one with none', async () => {
    const machine = new FakeMachine();
    machine.run(504, vm('ceo'));
    let calls = 0;
    const scanner = scannerOn(machine, { listEvery: 1, onListed: () => (calls += 1) });
    await scanner.scan();
    // The turn's listing finds only the ceo, followed already.
    await scanner.scan();
    await new Promise((resolve) => setImmediate(resolve));
    expect([machine.listCalls, calls]).toEqual([2, 0]);
    machine.run(505, vm('cto'));
    scanner.lookNow();
    // Called when the listing ends, before any scan: the owner polls at once and the agent is there.
    expect(calls).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(1);
    expect(machine.listings.at(-1)?.reread).toBe(true);
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([504, 505]);
  });

  it('keeps a listing whose onListed throws for the next scan', async () => {
    const machine = new FakeMachine();
    const scanner = scannerOn(machine, {
      listEvery: 100,
      onListed: () => {
        throw new Error('the owner failed');
      },
    });
    await scanner.scan();
    machine.run(506, vm('chro'));
    scanner.lookNow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([506]);
  });

  it('drops a pid that exited and lists at once, finding the agent that replaced it', async () => {
    const machine = new FakeMachine();
    machine.run(510, vm('senior_developer'));
    machine.run(511, vm('test_lead'));
    const scanner = scannerOn(machine, { listEvery: 100 });
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([510, 511]);
    machine.processes.delete(510);
    machine.run(512, vm('senior_developer'), 9_000);
    const next = await scanner.scan();
    expect(next.value.agents.map((agent) => [agent.pid, agent.role, agent.cpuPercent])).toEqual([
      [512, 'senior_developer', null],
      [511, 'test_lead', 12.5],
    ]);
    expect(machine.listCalls).toBe(2);
  });

  it('with an owner to wake, drops a pid that exited without listing in the scan, and wakes it once listed', async () => {
    const machine = new FakeMachine();
    machine.run(513, vm('senior_developer'));
    machine.run(514, vm('test_lead'));
    let calls = 0;
    const scanner = scannerOn(machine, { listEvery: 100, onListed: () => (calls += 1) });
    await scanner.scan();
    machine.processes.delete(513);
    machine.run(515, vm('senior_developer'), 9_000);
    // The scan a stop's event wakes answers from the measuring alone: the lost pid is gone, nothing waits on a listing.
    const next = await scanner.scan();
    expect(pidsOf(next.value.agents)).toEqual([514]);
    // The listing runs beside it; once it ends the owner is told.
    await new Promise((resolve) => setImmediate(resolve));
    expect([machine.listCalls, calls]).toEqual([2, 1]);
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([515, 514]);
  });

  it('treats a pid now carrying another start time as another process', async () => {
    const machine = new FakeMachine();
    machine.run(520, vm('ceo'), 1_000);
    const models: number[] = [];
    const scanner = scannerOn(machine, {
      listEvery: 100,
      readModel: (pid, role) => (models.push(pid), Promise.resolve(`${role}-model`)),
    });
    await scanner.scan();
    await scanner.scan();
    // The ceo exited and pid 520 went to a new cto agent.
    machine.run(520, vm('cto'), 60_000);
    const after = await scanner.scan();
    expect(after.value.agents).toEqual([
      {
        pid: 520,
        role: 'cto',
        model: 'cto-model',
        rssBytes: 300_000_000,
        cpuPercent: null,
        startedAt: 60_000,
        root: ROOT,
        form: 'autonomous',
        uid: UID,
        otherUser: false,
        parent: { pid: 1400, name: null },
        launchedBy: null,
        orphaned: false,
      },
    ]);
    expect(models).toEqual([520, 520]);
    expect(machine.listCalls).toBe(2);
    // A listing that remembers what it read is told to read that pid again.
    expect(machine.listings.at(-1)?.recheck).toEqual([520]);
  });

  it('stops reporting a known pid that a listing no longer shows as an agent', async () => {
    const machine = new FakeMachine();
    machine.run(530, vm('chro'));
    const scanner = scannerOn(machine, { listEvery: 1 });
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([530]);
    machine.run(530, other('vim', ['/usr/bin/vim', `${ROOT}/apps/chro/chro.ex`]));
    // The listing that shows it runs beside this poll; the next one takes it in.
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([530]);
    expect((await scanner.scan()).value.agents).toEqual([]);
  });

  it('reads each agent’s model once, and a model it cannot read is null', async () => {
    const machine = new FakeMachine();
    machine.run(540, vm('ceo'));
    machine.run(541, vm('cto'));
    machine.run(542, vm('chro'));
    const asked: number[] = [];
    const readModel = (pid: number): Promise<string | null> => {
      asked.push(pid);
      if (pid === 540) return Promise.resolve('qwen2.5:14b');
      if (pid === 541) return Promise.reject(new Error('EACCES'));
      return Promise.resolve(null);
    };
    const scanner = scannerOn(machine, { listEvery: 1, readModel });
    for (let scan = 0; scan < 3; scan += 1) {
      expect((await scanner.scan()).value.agents.map((agent) => [agent.role, agent.model])).toEqual([
        ['ceo', 'qwen2.5:14b'],
        ['chro', null],
        ['cto', null],
      ]);
    }
    expect(asked.sort()).toEqual([540, 541, 542]);
  });

  it('gives the CPU from the second measurement of a pid on', async () => {
    const machine = new FakeMachine();
    machine.run(550, vm('ceo'));
    const scanner = scannerOn(machine);
    expect((await scanner.scan()).value.agents[0]?.cpuPercent).toBeNull();
    expect((await scanner.scan()).value.agents[0]?.cpuPercent).toBe(12.5);
  });

  it('drops malformed listing entries with a reason each and still finds the agents', async () => {
    const entry = (pid: unknown, role: string): Record<string, unknown> => {
      const shape = vm(role);
      return { ...shape, pid, commandLine: shape.argv?.join(' ') };
    };
    const entries: unknown[] = [
      entry(0, 'ceo'),
      entry(-4, 'ceo'),
      entry(4.5, 'ceo'),
      entry('4242', 'ceo'),
      { ...entry(4243, 'ceo'), commandLine: null },
      null,
      'pid 4244',
      // The listing's former shape: a pid and a command line only.
      { pid: 4246, commandLine: vm('chro').argv?.join(' ') },
      entry(4245, 'cto'),
    ];
    const measure = (pids: readonly number[]): Promise<Map<number, Measurement>> =>
      Promise.resolve(new Map(pids.map((pid) => [pid, { cpuPercent: 0, rssBytes: 1, startedAt: 1 }])));
    const scanner = new AgentProcessScanner({
      list: () => Promise.resolve(entries),
      measure,
      readModel: () => Promise.resolve(null),
      uid: UID,
    });
    const { value, dropped } = await scanner.scan();
    expect(pidsOf(value.agents)).toEqual([4245]);
    expect(dropped).toHaveLength(8);
    expect(dropped[0]).toMatch(/^process listing entry 1: pid: /);
    expect(dropped[3]).toMatch(/^process listing entry 4: pid: /);
    expect(dropped[4]).toMatch(/^process listing entry 5: commandLine: /);
    expect(dropped[5]).toMatch(/^process listing entry 6: /);
    expect(dropped[7]).toMatch(/^process listing entry 8: ppid: .*; uid: .*; executable: .*; argv: .*; cwd: /);
    for (const reason of dropped) expect(reason).not.toContain('\n');
  });

  it('keeps listing on every scan after a listing failed, until one succeeds', async () => {
    const machine = new FakeMachine();
    machine.run(570, vm('ceo'));
    machine.run(571, vm('cto'));
    let fail = false;
    const list = (options: ListingOptions): Promise<ListedProcess[]> =>
      fail ? Promise.reject(new Error('powershell timed out')) : machine.list(options);
    const scanner = new AgentProcessScanner({
      list,
      measure: machine.measure,
      readModel: () => Promise.resolve(null),
      listEvery: 100,
      uid: UID,
    });
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([570, 571]);
    machine.processes.delete(570);
    machine.run(572, vm('ceo'));
    fail = true;
    await expect(scanner.scan()).rejects.toThrow('powershell timed out');
    fail = false;
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([572, 571]);
  });

  it('answers a scan asked for while one runs with that one', async () => {
    const machine = new FakeMachine();
    machine.run(580, vm('ceo'));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const list = async (options: ListingOptions): Promise<ListedProcess[]> => {
      await gate;
      return machine.list(options);
    };
    const scanner = new AgentProcessScanner({
      list,
      measure: machine.measure,
      readModel: () => Promise.resolve(null),
      uid: UID,
    });
    const first = scanner.scan();
    const second = scanner.scan();
    release();
    expect(await second).toBe(await first);
    expect(machine.listCalls).toBe(1);
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([580]);
  });

  it('fails the scan when the listing fails, and lists again on the next', async () => {
    const machine = new FakeMachine();
    machine.run(560, vm('ceo'));
    let fail = true;
    const list = (options: ListingOptions): Promise<ListedProcess[]> =>
      fail ? Promise.reject(new Error('ps: command not found')) : machine.list(options);
    const scanner = new AgentProcessScanner({
      list,
      measure: machine.measure,
      readModel: () => Promise.resolve(null),
      uid: UID,
    });
    await expect(scanner.scan()).rejects.toThrow('ps: command not found');
    fail = false;
    expect(pidsOf((await scanner.scan()).value.agents)).toEqual([560]);
  });
});

describe('AgentProcessScanner: ECHO’s processes as they run', () => {
  it('reports both copies of a role, the older first, as after a delegator died and a new one started the role again', async () => {
    const machine = new FakeMachine();
    machine.run(610, vm('senior_developer'), 9_000);
    machine.run(611, vm('senior_developer', { ppid: 1 }), 2_000);
    machine.run(612, vm('ceo'), 5_000);
    const { agents } = (await scannerOn(machine).scan()).value;
    expect(agents.map((agent) => [agent.pid, agent.role, agent.startedAt])).toEqual([
      [612, 'ceo', 5_000],
      [611, 'senior_developer', 2_000],
      [610, 'senior_developer', 9_000],
    ]);
  });

  it('reports the delegators apart from the agents, and reads no model for them', async () => {
    const machine = new FakeMachine();
    machine.run(800, other('Claude', ['/Applications/Claude.app/Contents/MacOS/Claude']));
    machine.run(620, vm('delegator', { args: [], ppid: 800, cwd: '/' }));
    machine.run(621, vm('cto', { ppid: 620, cwd: '/' }));
    const asked: number[] = [];
    const scanner = scannerOn(machine, { readModel: (pid) => (asked.push(pid), Promise.resolve(null)) });
    const { value } = await scanner.scan();
    expect(value.agents.map((agent) => [agent.pid, agent.role])).toEqual([[621, 'cto']]);
    expect(value.delegators).toEqual([
      {
        pid: 620,
        role: 'delegator',
        model: null,
        rssBytes: 300_000_000,
        cpuPercent: null,
        startedAt: 1_000,
        root: ROOT,
        form: 'mcp',
        uid: UID,
        otherUser: false,
        parent: { pid: 800, name: 'Claude' },
        launchedBy: 'claude-desktop',
        orphaned: false,
      },
    ]);
    expect(asked).toEqual([621]);
  });

  it('tells the launch forms: --autonomous, the MCP form of agents/, and mix run', async () => {
    const machine = new FakeMachine();
    machine.run(630, vm('cto'));
    machine.run(631, vm('ceo', { folder: 'agents', args: [] }));
    machine.run(632, {
      executable: 'beam.smp',
      argv: [
        '/usr/lib/erlang/erts-13.1.5/bin/beam.smp',
        '--',
        '-root',
        '/usr/lib/erlang',
        '--',
        '-noshell',
        '-s',
        'elixir',
        'start_cli',
        '-extra',
        '/usr/bin/mix',
        'run',
        '--no-halt',
      ],
      cwd: `${ROOT}/apps/chro`,
      ppid: 1400,
      uid: UID,
    });
    const { agents } = (await scannerOn(machine).scan()).value;
    expect(agents.map((agent) => [agent.pid, agent.role, agent.form, agent.root])).toEqual([
      [631, 'ceo', 'mcp', ROOT],
      [632, 'chro', 'mix', ROOT],
      [630, 'cto', 'autonomous', ROOT],
    ]);
  });

  it('collects the roots of this user’s ECHO processes, and with no root configured reports all of them', async () => {
    const machine = new FakeMachine();
    machine.run(640, vm('ceo'));
    machine.run(641, vm('ceo', { root: OTHER_ROOT }));
    machine.run(642, vm('delegator', { root: OTHER_ROOT, args: [] }));
    // A relative path with no cwd to resolve it (another user's, say, on macOS): its root cannot be told.
    machine.run(643, {
      ...vm('cto'),
      argv: ['./apps/cto/cto', ...ESCRIPT_VM_ARGUMENTS, './apps/cto/cto', '--autonomous'],
      cwd: null,
    });
    const { value } = await scannerOn(machine).scan();
    expect(value.agents.map((agent) => [agent.pid, agent.root])).toEqual([
      [640, ROOT],
      [641, OTHER_ROOT],
      [643, null],
    ]);
    expect(value.delegators.map((agent) => [agent.pid, agent.root])).toEqual([[642, OTHER_ROOT]]);
    expect(value).toMatchObject({
      roots: [ROOT, OTHER_ROOT].sort(),
      configuredRoot: null,
      otherRoots: 0,
      otherUsers: 0,
    });
  });

  it('keeps only the configured root’s processes, whoever runs them, and counts the others', async () => {
    const machine = new FakeMachine();
    machine.run(650, vm('ceo'));
    machine.run(651, vm('delegator', { args: [] }));
    machine.run(652, vm('cto', { uid: 1001 }));
    machine.run(653, vm('ceo', { root: OTHER_ROOT }));
    machine.run(654, vm('delegator', { root: OTHER_ROOT, args: [] }));
    machine.run(655, {
      ...vm('cto'),
      argv: ['./apps/cto/cto', ...ESCRIPT_VM_ARGUMENTS, './apps/cto/cto', '--autonomous'],
      cwd: null,
    });
    const { value } = await scannerOn(machine, { root: `${ROOT}/` }).scan();
    expect(value.agents.map((agent) => [agent.pid, agent.role, agent.uid, agent.otherUser])).toEqual([
      [650, 'ceo', UID, false],
      [652, 'cto', 1001, true],
    ]);
    expect(pidsOf(value.delegators)).toEqual([651]);
    // The roots are this user's, watched or not.
    expect(value).toMatchObject({
      roots: [ROOT, OTHER_ROOT].sort(),
      configuredRoot: `${ROOT}/`,
      otherRoots: 3,
      otherUsers: 0,
    });
  });

  it('with no root configured leaves another user’s processes out and counts them', async () => {
    const machine = new FakeMachine();
    machine.run(660, vm('ceo'));
    machine.run(661, vm('ceo', { root: '/home/bo/echo', uid: 1001 }));
    machine.run(662, vm('delegator', { root: '/home/bo/echo', uid: 1001, args: [] }));
    // Its owner could not be read: on a machine with user ids, it is not this user's.
    machine.run(663, vm('cto', { uid: null }));
    // This user's as its real id, another's as its effective one: another user's, as ps shows it.
    machine.run(664, { ...vm('chro'), uids: [UID, 1001, 1001, 1001] });
    const { value } = await scannerOn(machine).scan();
    expect(pidsOf(value.agents)).toEqual([660]);
    expect(value.delegators).toEqual([]);
    expect(value).toMatchObject({ roots: [ROOT], configuredRoot: null, otherRoots: 0, otherUsers: 4 });
  });

  it('reports every user’s processes where the monitor has no user id (Windows)', async () => {
    const machine = new FakeMachine();
    machine.run(665, vm('ceo'));
    machine.run(666, vm('cto', { uid: 1001 }));
    const { value } = await scannerOn(machine, { uid: null }).scan();
    expect(value.agents.map((agent) => [agent.pid, agent.otherUser])).toEqual([
      [665, false],
      [666, false],
    ]);
    expect(value.otherUsers).toBe(0);
  });

  it('takes the VM under a wrapper for the agent, never the wrapper that carries its path', async () => {
    const machine = new FakeMachine();
    const script = `${ROOT}/apps/test_lead/test_lead`;
    machine.run(1400, other('bash', ['-bash'], 1390));
    machine.run(700, other('timeout', ['timeout', '60', script, '--autonomous'], 1400));
    machine.run(701, vm('test_lead', { ppid: 700 }));
    machine.run(
      702,
      other('bash', ['bash', '-c', `while true; do "${ROOT}/apps/cto/cto" --autonomous; sleep 5; done`], 1400),
    );
    machine.run(703, vm('cto', { ppid: 702 }));
    machine.run(704, other('sh', ['sh', '-c', `tail -f /dev/null | nohup "${ROOT}/apps/ceo/ceo"`], 1400));
    machine.run(705, other('tail', ['tail', '-f', '/dev/null'], 704));
    machine.run(706, vm('ceo', { folder: 'apps', args: [], ppid: 704 }));
    machine.run(707, other('tail', ['tail', '-f', `${ROOT}/apps/ceo/ceo`], 1400));
    const { value } = await scannerOn(machine).scan();
    expect(value.agents.map((agent) => [agent.pid, agent.role, agent.form, agent.parent])).toEqual([
      [706, 'ceo', 'mcp', { pid: 704, name: 'sh' }],
      [703, 'cto', 'autonomous', { pid: 702, name: 'bash' }],
      [701, 'test_lead', 'autonomous', { pid: 700, name: 'timeout' }],
    ]);
    expect(value.agents.map((agent) => [agent.orphaned, agent.launchedBy])).toEqual([
      [false, null],
      [false, null],
      [false, null],
    ]);
  });

  it('takes a Node stand-in for an agent only when node is among the extra VM executables', async () => {
    const machine = new FakeMachine();
    machine.run(750, other('node', ['/usr/bin/node', `${ROOT}/apps/cto/cto`, '--autonomous'], 1400));
    expect((await scannerOn(machine).scan()).value.agents).toEqual([]);
    expect(
      (await scannerOn(machine, { extraVmExecutables: ['node'] }).scan()).value.agents.map((agent) => [
        agent.pid,
        agent.role,
        agent.root,
      ]),
    ).toEqual([[750, 'cto', ROOT]]);
  });
});

describe('AgentProcessScanner: each process’s parent, launcher and orphaning', () => {
  async function lineages(machine: FakeMachine): Promise<Map<number, ReturnType<typeof lineageOf>>> {
    const { value } = await scannerOn(machine).scan();
    return new Map([...value.agents, ...value.delegators].map((process) => [process.pid, lineageOf(process)]));
  }

  it('calls an agent whose parent is init orphaned', async () => {
    const machine = new FakeMachine();
    machine.run(1, other('systemd', ['/sbin/init'], 0, 0));
    machine.run(710, vm('ceo', { ppid: 1 }));
    expect((await lineages(machine)).get(710)).toEqual({
      parent: { pid: 1, name: 'systemd' },
      launchedBy: null,
      orphaned: true,
    });
  });

  it('calls an agent orphaned under pid 1 even where the listing does not show pid 1', async () => {
    const machine = new FakeMachine();
    machine.run(711, vm('ceo', { ppid: 1 }));
    expect((await lineages(machine)).get(711)).toEqual({
      parent: { pid: 1, name: null },
      launchedBy: null,
      orphaned: true,
    });
  });

  it('calls an agent orphaned under a session’s subreaper (systemd --user, launchd)', async () => {
    const machine = new FakeMachine();
    machine.run(900, other('systemd', ['/lib/systemd/systemd', '--user'], 1));
    machine.run(712, vm('ceo', { ppid: 900 }));
    machine.run(901, other('launchd', ['/sbin/launchd'], 0, 0));
    machine.run(713, vm('cto', { ppid: 901 }));
    const found = await lineages(machine);
    expect(found.get(712)).toEqual({ parent: { pid: 900, name: 'systemd' }, launchedBy: null, orphaned: true });
    expect(found.get(713)).toEqual({ parent: { pid: 901, name: 'launchd' }, launchedBy: null, orphaned: true });
  });

  it('says an agent whose parent chain reaches a delegator’s VM was launched by the delegator', async () => {
    const machine = new FakeMachine();
    machine.run(620, vm('delegator', { args: [], ppid: 1400, cwd: '/' }));
    // OTP starts a port's program through erl_child_setup, the VM's child.
    machine.run(625, other('erl_child_setup', ['erl_child_setup', '1024'], 620));
    machine.run(720, vm('cto', { ppid: 625, cwd: '/' }));
    expect((await lineages(machine)).get(720)).toEqual({
      parent: { pid: 625, name: 'erl_child_setup' },
      launchedBy: 'delegator',
      orphaned: false,
    });
  });

  it('says an agent whose parent chain reaches an executable named Claude was launched by Claude Desktop', async () => {
    const machine = new FakeMachine();
    machine.run(800, other('Claude', ['/Applications/Claude.app/Contents/MacOS/Claude'], 1));
    machine.run(801, other('sh', ['sh', '-c', `tail -f /dev/null | nohup "${ROOT}/agents/ceo/ceo"`], 800));
    machine.run(721, vm('ceo', { folder: 'agents', args: [], ppid: 801 }));
    machine.run(722, vm('cto', { folder: 'agents', args: [], ppid: 800 }));
    const found = await lineages(machine);
    expect(found.get(721)).toEqual({ parent: { pid: 801, name: 'sh' }, launchedBy: 'claude-desktop', orphaned: false });
    expect(found.get(722)).toEqual({
      parent: { pid: 800, name: 'Claude' },
      launchedBy: 'claude-desktop',
      orphaned: false,
    });
  });

  it('names a `timeout` parent and does not call its agent orphaned', async () => {
    const machine = new FakeMachine();
    machine.run(1400, other('bash', ['-bash'], 1390));
    machine.run(730, other('timeout', ['timeout', '60', `${ROOT}/apps/test_lead/test_lead`, '--autonomous'], 1400));
    machine.run(731, vm('test_lead', { ppid: 730 }));
    expect((await lineages(machine)).get(731)).toEqual({
      parent: { pid: 730, name: 'timeout' },
      launchedBy: null,
      orphaned: false,
    });
  });

  it('has no parent for a process whose parent pid is 0 or unknown', async () => {
    const machine = new FakeMachine();
    machine.run(740, vm('ceo', { ppid: 0 }));
    machine.run(741, vm('cto', { ppid: null }));
    const found = await lineages(machine);
    expect(found.get(740)).toEqual({ parent: null, launchedBy: null, orphaned: false });
    expect(found.get(741)).toEqual({ parent: null, launchedBy: null, orphaned: false });
  });

  it('stops following a parent chain that runs in a circle', async () => {
    const machine = new FakeMachine();
    machine.run(745, other('sh', ['sh'], 746));
    machine.run(746, other('sh', ['sh'], 745));
    machine.run(747, vm('ceo', { ppid: 745 }));
    expect((await lineages(machine)).get(747)).toEqual({
      parent: { pid: 745, name: 'sh' },
      launchedBy: null,
      orphaned: false,
    });
  });

  it('takes the lineage of each listing: an agent whose delegator died is orphaned from the next one', async () => {
    const machine = new FakeMachine();
    machine.run(620, vm('delegator', { args: [], ppid: 1400, cwd: '/' }));
    machine.run(760, vm('cto', { ppid: 620, cwd: '/' }));
    const scanner = scannerOn(machine, { listEvery: 1 });
    const lineageAt = async (): Promise<ReturnType<typeof lineageOf>> =>
      lineageOf((await scanner.scan()).value.agents.find((agent) => agent.pid === 760));
    expect(await lineageAt()).toEqual({
      parent: { pid: 620, name: 'beam.smp' },
      launchedBy: 'delegator',
      orphaned: false,
    });
    machine.processes.delete(620);
    machine.run(760, vm('cto', { ppid: 1, cwd: '/' }));
    // The delegator's pid is gone: the scanner lists again at once.
    expect(await lineageAt()).toEqual({ parent: { pid: 1, name: null }, launchedBy: null, orphaned: true });
  });
});
