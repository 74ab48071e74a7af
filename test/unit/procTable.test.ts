import { describe, expect, it } from 'vitest';
import { AgentProcessScanner } from '../../src/main/sources/processes/agentProcessScanner';
import { DescriptorsExhausted, type ProcStat } from '../../src/main/sources/processes/procFiles';
import type { ProcReader } from '../../src/main/sources/processes/procReader';
import { ProcTable, READ_CHUNK, REREAD_EVERY } from '../../src/main/sources/processes/procTable';
import { ESCRIPT_VM_ARGUMENTS } from '../support/escriptVmArguments';

const TICKS = 100;
/** The fake machine's clock: ten minutes after boot, so every process started at tick 1000 is old. */
const UPTIME_MS = 600_000;

interface FakeProcess {
  comm: string;
  ppid: number;
  startTicks: number;
  argv: string[];
  cwd: string;
}

/** A /proc of our own, counting every file read by pid. */
class FakeProc implements ProcReader {
  readonly processes = new Map<number, FakeProcess>();
  readonly reads: string[] = [];
  readonly ticksPerSecond = TICKS;
  uptime: number | null = UPTIME_MS;
  exhausted = false;
  onStat: (pid: number) => void = () => undefined;

  run(pid: number, shape: Partial<FakeProcess> = {}): void {
    this.processes.set(pid, {
      comm: 'bash',
      ppid: 1,
      startTicks: 1000,
      argv: [`/usr/bin/${shape.comm ?? 'bash'}`],
      cwd: '/home/ana',
      ...shape,
    });
  }

  readsOf(pid: number): string[] {
    return this.reads.filter((read) => read.endsWith(`/${pid}`));
  }

  pids(): number[] {
    return [...this.processes.keys()];
  }

  stat(pid: number): ProcStat | null {
    if (this.exhausted) throw new DescriptorsExhausted('EMFILE', `/proc/${pid}/stat`);
    this.reads.push(`stat/${pid}`);
    this.onStat(pid);
    const found = this.processes.get(pid);
    if (!found) return null;
    return {
      pid,
      comm: found.comm,
      state: 'S',
      ppid: found.ppid,
      cpuTicks: 0,
      startTicks: found.startTicks,
      rssPages: 1,
    };
  }

  argv(pid: number): { argv: string[] } | null {
    this.reads.push(`cmdline/${pid}`);
    const found = this.processes.get(pid);
    return found ? { argv: found.argv } : null;
  }

  uids(pid: number): number[] | null {
    this.reads.push(`status/${pid}`);
    return this.processes.has(pid) ? [1000, 1000, 1000, 1000] : null;
  }

  cwd(pid: number): string | null {
    this.reads.push(`cwd/${pid}`);
    return this.processes.get(pid)?.cwd ?? null;
  }

  uptimeMs(): number | null {
    return this.uptime;
  }
}

const vmOnly = (executable: string | null): boolean => executable === 'beam.smp';
const SCRIPT = '/home/ana/echo/apps/cto/cto';
const pidsOf = (entries: readonly { pid: number }[]): number[] => entries.map((entry) => entry.pid);

function machine(): FakeProc {
  const proc = new FakeProc();
  proc.run(1, { comm: 'systemd', ppid: 0 });
  proc.run(400, { comm: 'bash' });
  proc.run(401, { comm: 'beam.smp', ppid: 400, argv: [SCRIPT, '-B', '--', '-extra', SCRIPT, '--autonomous'] });
  return proc;
}

describe('ProcTable', () => {
  it('reads every process on its first listing, the arguments, owner and cwd of the VMs only', async () => {
    const proc = machine();
    const listed = await new ProcTable({ reader: proc }).list(vmOnly);
    expect(listed).toEqual([
      expect.objectContaining({ pid: 1, executable: 'systemd', argv: null, commandLine: '', cwd: null, uid: null }),
      expect.objectContaining({ pid: 400, executable: 'bash', ppid: 1, argv: null }),
      {
        pid: 401,
        ppid: 400,
        executable: 'beam.smp',
        startTicks: 1000,
        uid: 1000,
        uids: [1000, 1000, 1000, 1000],
        argv: [SCRIPT, '-B', '--', '-extra', SCRIPT, '--autonomous'],
        commandLine: `${SCRIPT} -B -- -extra ${SCRIPT} --autonomous`,
        cwd: '/home/ana',
      },
    ]);
    expect(proc.reads.sort()).toEqual(['cmdline/401', 'cwd/401', 'stat/1', 'stat/400', 'stat/401', 'status/401']);
  });

  it('reads no file of a known pid on the next listing, reads a new pid, and forgets a pid gone', async () => {
    const proc = machine();
    const table = new ProcTable({ reader: proc });
    const first = await table.list(vmOnly);
    proc.reads.length = 0;
    const again = await table.list(vmOnly);
    expect(again).toEqual(first);
    expect(proc.reads).toEqual([]);

    proc.run(402, { comm: 'beam.smp', ppid: 400, argv: [SCRIPT] });
    proc.processes.delete(401);
    const next = await table.list(vmOnly);
    expect(pidsOf(next)).toEqual([1, 400, 402]);
    expect(proc.reads.sort()).toEqual(['cmdline/402', 'cwd/402', 'stat/402', 'status/402']);
  });

  it('takes a pid given to another process between listings for the process known, until the full read, one listing in REREAD_EVERY', async () => {
    const proc = machine();
    const table = new ProcTable({ reader: proc });
    await table.list(vmOnly);
    // The shell exited and its pid went to an agent, between two listings.
    proc.run(400, { comm: 'beam.smp', startTicks: 5000, argv: [SCRIPT, '--autonomous'] });
    for (let listing = 2; listing <= REREAD_EVERY; listing += 1)
      expect((await table.list(vmOnly)).find((entry) => entry.pid === 400)?.executable).toBe('bash');
    proc.reads.length = 0;
    const full = await table.list(vmOnly);
    expect(full.find((entry) => entry.pid === 400)).toMatchObject({ executable: 'beam.smp', startTicks: 5000 });
    expect(proc.readsOf(1)).toEqual(['stat/1']);
  });

  it('reads everything again when asked (a heartbeat with no process known), and the pids asked about', async () => {
    const proc = machine();
    const table = new ProcTable({ reader: proc });
    await table.list(vmOnly);
    proc.run(400, { comm: 'beam.smp', startTicks: 5000, argv: [SCRIPT, '--autonomous'] });
    proc.run(401, { comm: 'beam.smp', ppid: 400, startTicks: 6000, argv: ['/home/ana/echo/apps/ceo/ceo'] });
    proc.reads.length = 0;
    const rechecked = await table.list(vmOnly, { recheck: [401] });
    expect(rechecked.find((entry) => entry.pid === 401)).toMatchObject({
      startTicks: 6000,
      commandLine: '/home/ana/echo/apps/ceo/ceo',
    });
    expect(rechecked.find((entry) => entry.pid === 400)?.executable).toBe('bash');
    expect(proc.reads.sort()).toEqual(['cmdline/401', 'cwd/401', 'stat/401', 'status/401']);
    const reread = await table.list(vmOnly, { reread: true });
    expect(reread.find((entry) => entry.pid === 400)).toMatchObject({ executable: 'beam.smp', startTicks: 5000 });
  });

  it('reads again only the stat of a process whose parent has gone, and gives its new parent', async () => {
    const proc = machine();
    const table = new ProcTable({ reader: proc });
    await table.list(vmOnly);
    proc.processes.delete(400);
    proc.run(401, { ...proc.processes.get(401), ppid: 1 });
    proc.reads.length = 0;
    const listed = await table.list(vmOnly);
    expect(listed.find((entry) => entry.pid === 401)).toMatchObject({
      ppid: 1,
      commandLine: expect.stringContaining(SCRIPT),
    });
    expect(proc.reads).toEqual(['stat/401']);
  });

  it('reads a process that was young when read again at the next listing: it may have been on its way to the VM', async () => {
    const proc = machine();
    // Started half a second before the listing: still `erlexec`, which execs beam.smp under the same pid and start.
    proc.run(402, { comm: 'erlexec', startTicks: UPTIME_MS / 10 - 50, argv: ['erlexec'] });
    const table = new ProcTable({ reader: proc });
    expect((await table.list(vmOnly)).find((entry) => entry.pid === 402)?.argv).toBeNull();
    proc.run(402, { comm: 'beam.smp', startTicks: UPTIME_MS / 10 - 50, argv: [SCRIPT, '--autonomous'] });
    proc.uptime = UPTIME_MS + 30_000;
    proc.reads.length = 0;
    expect((await table.list(vmOnly)).find((entry) => entry.pid === 402)?.argv).toEqual([SCRIPT, '--autonomous']);
    expect(proc.reads.sort()).toEqual(['cmdline/402', 'cwd/402', 'stat/402', 'status/402']);
    // Old enough now: not read again.
    proc.reads.length = 0;
    await table.list(vmOnly);
    expect(proc.reads).toEqual([]);
  });

  it('lets the event loop turn between chunks of reads', async () => {
    const proc = new FakeProc();
    for (let pid = 100; pid < 100 + READ_CHUNK * 3; pid += 1) proc.run(pid, { ppid: 0 });
    let turned = false;
    const readAfterTurn: boolean[] = [];
    proc.onStat = () => readAfterTurn.push(turned);
    const listing = new ProcTable({ reader: proc, sliceMs: Number.POSITIVE_INFINITY }).list(vmOnly);
    setImmediate(() => (turned = true));
    expect(await listing).toHaveLength(READ_CHUNK * 3);
    // The first chunk is read before the immediate callback runs, the last after it.
    expect(readAfterTurn.slice(0, READ_CHUNK).every((after) => !after)).toBe(true);
    expect(readAfterTurn.at(-1)).toBe(true);
  });

  it('lets the event loop turn once a slice of time has gone, however few pids it read', async () => {
    const proc = new FakeProc();
    for (let pid = 100; pid < 110; pid += 1) proc.run(pid, { ppid: 0 });
    // Each stat takes 2 ms: a slow /proc, or a process starved of CPU.
    proc.onStat = () => {
      const until = performance.now() + 2;
      while (performance.now() < until);
    };
    let turns = 0;
    const table = new ProcTable({ reader: proc, sliceMs: 1, pause: () => ((turns += 1), Promise.resolve()) });
    expect(await table.list(vmOnly)).toHaveLength(10);
    expect(turns).toBe(9);
  });

  it('runs listings one after another, never two at once', async () => {
    const proc = new FakeProc();
    for (let pid = 100; pid < 100 + READ_CHUNK * 2; pid += 1) proc.run(pid, { ppid: 0 });
    const table = new ProcTable({ reader: proc });
    const [first, second] = await Promise.all([table.list(vmOnly), table.list(vmOnly)]);
    expect(first).toEqual(second);
    // Each pid read once: the second listing found them all known.
    expect(proc.reads).toHaveLength(READ_CHUNK * 2);
  });

  it('throws when no descriptor is left, and keeps what it read; the next listing reads the rest', async () => {
    const proc = machine();
    const table = new ProcTable({ reader: proc });
    proc.exhausted = true;
    await expect(table.list(vmOnly)).rejects.toBeInstanceOf(DescriptorsExhausted);
    proc.exhausted = false;
    expect(pidsOf(await table.list(vmOnly))).toEqual([1, 400, 401]);
  });
});

const agentArgv = (role: string): string[] => {
  const script = `/home/ana/echo/apps/${role}/${role}`;
  return [script, ...ESCRIPT_VM_ARGUMENTS, script, '--autonomous'];
};

/** A scanner over the fake /proc: the remembered table lists it, and the measure reads each pid's start from it. */
function scannerOver(
  proc: FakeProc,
  options: { onListed?: () => void; listEvery?: number; beforeMeasure?: () => void } = {},
) {
  const table = new ProcTable({ reader: proc });
  const asked: { reread?: boolean; recheck?: readonly number[] }[] = [];
  const scanner = new AgentProcessScanner({
    list: (listing) => (
      asked.push({ reread: listing.reread, recheck: listing.recheck }),
      table.list(listing.details, listing)
    ),
    measure: (pids) => {
      options.beforeMeasure?.();
      return Promise.resolve(
        new Map(
          pids.flatMap((pid) => {
            const found = proc.processes.get(pid);
            return found
              ? [[pid, { cpuPercent: 0, rssBytes: 1, startedAt: null, startTicks: found.startTicks }] as const]
              : [];
          }),
        ),
      );
    },
    readModel: () => Promise.resolve(null),
    uid: 1000,
    listEvery: options.listEvery ?? 100,
    onListed: options.onListed,
  });
  return { scanner, asked };
}

const rolesOf = async (scanner: AgentProcessScanner): Promise<[number, string][]> =>
  (await scanner.scan()).value.agents.map((agent) => [agent.pid, agent.role]);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AgentProcessScanner over the remembered table', () => {
  function echoMachine(): FakeProc {
    const proc = new FakeProc();
    proc.run(400, { comm: 'bash', ppid: 0 });
    proc.run(401, { comm: 'beam.smp', ppid: 400, argv: agentArgv('cto'), cwd: '/home/ana/echo/apps/cto' });
    proc.run(402, { comm: 'bash', ppid: 400 });
    return proc;
  }

  it('reads no file of a known pid at the turn’s listing', async () => {
    const proc = echoMachine();
    const { scanner, asked } = scannerOver(proc, { listEvery: 1 });
    expect(await rolesOf(scanner)).toEqual([[401, 'cto']]);
    proc.reads.length = 0;
    // The turn's listing runs beside this scan.
    await scanner.scan();
    await turn();
    expect(asked).toHaveLength(2);
    expect(proc.reads).toEqual([]);
  });

  it('catches a followed agent’s pid given to another agent by its start, and reads that pid again', async () => {
    const proc = echoMachine();
    const { scanner, asked } = scannerOver(proc);
    expect(await rolesOf(scanner)).toEqual([[401, 'cto']]);
    proc.run(401, {
      comm: 'beam.smp',
      ppid: 400,
      startTicks: 5000,
      argv: agentArgv('ceo'),
      cwd: '/home/ana/echo/apps/ceo',
    });
    expect(await rolesOf(scanner)).toEqual([[401, 'ceo']]);
    expect(asked.at(-1)).toEqual({ reread: false, recheck: [401] });
  });

  it('takes a first measurement of another start than the listing read for another process, and reads the pid again', async () => {
    const proc = echoMachine();
    let swapped = false;
    const { scanner, asked } = scannerOver(proc, {
      beforeMeasure: () => {
        // The listed cto exited and a ceo took its pid between the listing and the first measurement.
        if (swapped) return;
        swapped = true;
        proc.run(401, { comm: 'beam.smp', ppid: 400, startTicks: 5000, argv: agentArgv('ceo'), cwd: '/home/ana' });
      },
    });
    // Never the cto with the ceo's figures: nothing this scan, and the pid read again at once by the next.
    expect(await rolesOf(scanner)).toEqual([]);
    expect(await rolesOf(scanner)).toEqual([[401, 'ceo']]);
    expect(asked).toEqual([
      { reread: false, recheck: [] },
      { reread: false, recheck: [401] },
    ]);
  });

  it('finds an agent under a reused pid it knew as another process when asked to look (lookNow), and says so', async () => {
    const proc = echoMachine();
    let listed = 0;
    const { scanner, asked } = scannerOver(proc, { onListed: () => (listed += 1) });
    expect(await rolesOf(scanner)).toEqual([[401, 'cto']]);
    // The shell at 402 exited, and a test lead took its pid, between two listings.
    proc.run(402, {
      comm: 'beam.smp',
      ppid: 400,
      startTicks: 7000,
      argv: agentArgv('test_lead'),
      cwd: '/home/ana/echo',
    });
    expect(await rolesOf(scanner)).toEqual([[401, 'cto']]);
    scanner.lookNow();
    for (let wait = 0; wait < 5 && listed === 0; wait += 1) await turn();
    expect(listed).toBe(1);
    expect(asked.at(-1)?.reread).toBe(true);
    expect(await rolesOf(scanner)).toEqual([
      [401, 'cto'],
      [402, 'test_lead'],
    ]);
  });
});
