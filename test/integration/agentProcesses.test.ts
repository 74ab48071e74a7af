import { execFile } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentProcess } from '../../src/main/core/readings';
import {
  AgentProcessScanner,
  type AgentProcessScannerOptions,
} from '../../src/main/sources/processes/agentProcessScanner';
import { measureProcesses, readModelFromEnviron } from '../../src/main/sources/processes/processMeasure';
import { readProcessStart, type ProcessStart } from '../../src/main/sources/processes/processStartTime';
import { MacListingMemory } from '../../src/main/sources/processes/macProcessListing';
import { procReader, type ProcReader } from '../../src/main/sources/processes/procReader';
import { ProcTable, READ_CHUNK } from '../../src/main/sources/processes/procTable';
import {
  describeProcess,
  listProcesses,
  rememberingLister,
  type ListingOptions,
} from '../../src/main/sources/processes/processListing';
import { stopAgentProcess, type StopAgentOptions } from '../../src/main/sources/processes/stopAgentProcess';
import {
  pidExists,
  processKeeper,
  startEchoAgentProcess,
  startLookalikeProcess,
  type EchoAgentOptions,
  type StartedProcess,
} from '../support/echoAgentProcess';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const onLinux = process.platform === 'linux';

// Every process a test starts is stopped by its pid after it, whether the test passed or not.
const keeper = processKeeper();
afterEach(() => keeper.stopAll());

const find = (agents: readonly AgentProcess[], pid: number): AgentProcess | undefined =>
  agents.find((agent) => agent.pid === pid);

/** The stand-ins are Node programs run as ECHO's escripts are run: node is their VM. */
const STAND_INS = { extraVmExecutables: ['node'] } as const;
const scannerOf = (options: AgentProcessScannerOptions = {}): AgentProcessScanner =>
  new AgentProcessScanner({ ...STAND_INS, ...options });
const agentsOf = async (scanner: AgentProcessScanner): Promise<readonly AgentProcess[]> =>
  (await scanner.scan()).value.agents;

/** When the pid's process started, as the scan measured it; an unknown start where none runs. */
const startOf = (pid: number): ProcessStart => readProcessStart(pid) ?? { ticks: null, at: null };

/** Stops a stand-in as the monitor stops an agent: its pid, role, root and start, checked right before the signal. */
const stopStandIn = (started: StartedProcess, role: string, options: StopAgentOptions = {}) =>
  stopAgentProcess(
    { pid: started.pid, role, root: started.root, start: startOf(started.pid) },
    { ...STAND_INS, ...options },
  );

const NEXT_PID = '/proc/sys/kernel/ns_last_pid';

/** Whether this test may choose the next pid (Linux, as root): the one way to make a pid be reused on purpose. */
function canChoosePids(): boolean {
  try {
    accessSync(NEXT_PID, constants.W_OK);
    return onLinux && process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** Starts an agent under a given pid, trying again while another process takes it first. */
async function startAgentAtPid(pid: number, options: EchoAgentOptions): Promise<StartedProcess | null> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const beforeSpawn = (): void => {
      writeFileSync(NEXT_PID, String(pid - 1));
    };
    const started = await startEchoAgentProcess({ ...options, beforeSpawn });
    if (started.pid === pid) return keeper.add(Promise.resolve(started));
    await started.stop();
  }
  return null;
}

/**
 * The real listing, counting its calls, narrowed to the given pids: other tests
 * (the simulator's) start agent processes of their own on this machine, and one
 * of theirs exiting would make this scanner list once more than the test counts.
 */
function countingList(...ours: StartedProcess[]): {
  list: (options: ListingOptions) => ReturnType<typeof listProcesses>;
  calls: () => number;
} {
  let calls = 0;
  const pids = new Set(ours.map((started) => started.pid));
  return {
    list: async (options) => {
      calls += 1;
      return (await listProcesses(options)).filter((entry) => pids.has(entry.pid));
    },
    calls: () => calls,
  };
}

describe('AgentProcessScanner on real processes', () => {
  it('finds an agent with its role, root, model, memory and start, and its CPU from the second scan', async () => {
    const before = Date.now();
    const agent = await keeper.add(startEchoAgentProcess({ role: 'senior_developer', model: 'deepseek-coder:6.7b' }));
    const scanner = scannerOf();

    const scan = (await scanner.scan()).value;
    const first = find(scan.agents, agent.pid);
    expect(first).toMatchObject({
      role: 'senior_developer',
      model: onLinux ? 'deepseek-coder:6.7b' : null,
      cpuPercent: null,
      root: agent.root,
      form: 'autonomous',
      otherUser: false,
      orphaned: false,
      launchedBy: null,
    });
    // This test's process started it; its root, a folder with a space in its name, is one of this user's.
    expect(first?.parent?.pid).toBe(process.pid);
    expect(first?.uid).toBe(process.getuid?.() ?? null);
    expect(scan.roots).toContain(agent.root);
    expect(scan.configuredRoot).toBeNull();
    // The program holds 20 MB it wrote to, on top of Node's own.
    expect(first?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    // Its true start: after `before`, less the tick it is counted in (10 ms on Linux, a second from ps elsewhere).
    expect(first?.startedAt).toBeGreaterThanOrEqual(before - (onLinux ? 50 : 1100));
    expect(first?.startedAt).toBeLessThanOrEqual(Date.now());

    const second = find(await agentsOf(scanner), agent.pid);
    expect(second?.cpuPercent).toEqual(expect.any(Number));
    expect(second?.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(Math.abs((second?.startedAt ?? 0) - (first?.startedAt ?? 0))).toBeLessThan(100);
  });

  it('does not take the stand-ins for agents unless node is among the VM executables', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'chro' }));
    expect(find((await new AgentProcessScanner().scan()).value.agents, agent.pid)).toBeUndefined();
    expect(find(await agentsOf(scannerOf()), agent.pid)?.role).toBe('chro');
  });

  it('with a root configured reports only that root’s agents and counts the others', async () => {
    const ours = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    const theirs = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    const counting = countingList(ours, theirs);
    const { value } = await scannerOf({ list: counting.list, root: ours.root }).scan();
    expect(value.agents.map((agent) => [agent.pid, agent.root])).toEqual([[ours.pid, ours.root]]);
    expect(value).toMatchObject({ configuredRoot: ours.root, otherRoots: 1, otherUsers: 0 });
    expect([...value.roots].sort()).toEqual([ours.root, theirs.root].sort());
  });

  it('reads a busy agent near one core and an idle one near none', async () => {
    const busy = await keeper.add(startEchoAgentProcess({ role: 'cto', busy: true }));
    const idle = await keeper.add(startEchoAgentProcess({ role: 'chro' }));
    const scanner = scannerOf({ listEvery: 100 });
    await scanner.scan();
    await expect
      .poll(
        async () => {
          const agents = await agentsOf(scanner);
          return [find(agents, busy.pid)?.cpuPercent ?? 0, find(agents, idle.pid)?.cpuPercent ?? 100];
        },
        { interval: 200, timeout: 10_000 },
      )
      .toSatisfy(([busyCpu = 0, idleCpu = 100]: number[]) => busyCpu > 30 && idleCpu < 10);
  });

  it('does not report an agent once it has exited, and lists again at once', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'test_lead' }));
    const counting = countingList(agent);
    const scanner = scannerOf({ list: counting.list, listEvery: 100 });
    expect(find(await agentsOf(scanner), agent.pid)).toBeDefined();
    await agent.stop();
    expect(find(await agentsOf(scanner), agent.pid)).toBeUndefined();
    expect(counting.calls()).toBe(2);
  });

  it.runIf(canChoosePids())(
    'follows a pid from an agent that exited to the agent that was given its number',
    async ({ skip }) => {
      const first = await keeper.add(startEchoAgentProcess({ role: 'ceo', model: 'qwen2.5:14b' }));
      const scanner = scannerOf({ listEvery: 100 });
      await scanner.scan();
      // The scanner now knows the ceo's start, which tells it from the next process given its pid.
      expect(find(await agentsOf(scanner), first.pid)?.role).toBe('ceo');
      await first.stop();
      const second = await startAgentAtPid(first.pid, { role: 'cto', model: 'deepseek-coder:33b' });
      if (!second) {
        skip('other processes took the pid on every attempt');
        return;
      }
      expect(find(await agentsOf(scanner), first.pid)).toMatchObject({
        role: 'cto',
        model: 'deepseek-coder:33b',
        cpuPercent: null,
        root: second.root,
      });
      expect(find(await agentsOf(scanner), first.pid)?.cpuPercent).toEqual(expect.any(Number));
    },
  );

  it('takes another role’s file for nothing, and the ceo without its exact flag for the ceo in MCP form', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'ceo', model: 'qwen2.5:14b' }));
    const [otherRoleFile, flagSuffix, noFlag] = await Promise.all(
      (['other-role-file', 'flag-suffix', 'no-flag'] as const).map((kind) => keeper.add(startLookalikeProcess(kind))),
    );
    if (!otherRoleFile || !flagSuffix || !noFlag) throw new Error('a lookalike did not start');
    // The listing shows each one's arguments in full.
    const listing = await listProcesses({ details: (executable) => executable === 'node' });
    for (const lookalike of [otherRoleFile, flagSuffix, noFlag]) {
      expect(listing.find((entry) => entry.pid === lookalike.pid)?.commandLine).toContain(lookalike.scriptPath);
    }
    const ours = new Set([agent, otherRoleFile, flagSuffix, noFlag].map((started) => started.pid));
    const found = (await agentsOf(scannerOf())).filter((entry) => ours.has(entry.pid));
    expect(found.map((entry) => [entry.pid, entry.role, entry.form]).sort(([a], [b]) => Number(a) - Number(b))).toEqual(
      [
        [agent.pid, 'ceo', 'autonomous'],
        [flagSuffix.pid, 'ceo', 'mcp'],
        [noFlag.pid, 'ceo', 'mcp'],
      ].sort(([a], [b]) => Number(a) - Number(b)),
    );
  });

  it('lists every process only every listEvery scans, and measures the agent on each', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'product_manager' }));
    const counting = countingList(agent);
    const scanner = scannerOf({ list: counting.list, listEvery: 3 });
    for (let scan = 0; scan < 7; scan += 1) expect(find(await agentsOf(scanner), agent.pid)).toBeDefined();
    expect(counting.calls()).toBe(3);
  });

  it('reads the model from /proc/<pid>/environ on Linux, and nothing elsewhere', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'uiux_engineer', model: 'llama3.2-vision:11b' }));
    expect(await readModelFromEnviron(agent.pid, 'uiux_engineer')).toBe(onLinux ? 'llama3.2-vision:11b' : null);
    // Another role's variable is not there; an exited pid has no environment; macOS and Windows do not show it.
    expect(await readModelFromEnviron(agent.pid, 'ceo')).toBeNull();
    expect(await readModelFromEnviron(agent.pid, 'uiux_engineer', 'darwin')).toBeNull();
    await agent.stop();
    expect(await readModelFromEnviron(agent.pid, 'uiux_engineer')).toBeNull();
  });

  it('measures only pids that run, and reads nothing for none', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'operations_head' }));
    const measure = measureProcesses();
    expect(await measure([])).toEqual(new Map());
    expect((await measure([agent.pid])).get(agent.pid)?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    await agent.stop();
    expect(await measure([agent.pid])).toEqual(new Map());
  });

  it('leaves nothing running that would keep a process from exiting', async () => {
    // The measurer keeps no timer and no descriptor (pidusage, used off Linux, unrefs its history's interval).
    const script = `
      const { AgentProcessScanner } = await import(${JSON.stringify(`${ROOT}src/main/sources/processes/agentProcessScanner.ts`)});
      const { measureProcesses } = await import(${JSON.stringify(`${ROOT}src/main/sources/processes/processMeasure.ts`)});
      const scan = await new AgentProcessScanner({ listEvery: 1, extraVmExecutables: ['node'] }).scan();
      const measured = await measureProcesses()([process.pid]);
      console.log(JSON.stringify({ scanned: Array.isArray(scan.value.agents), measured: measured.has(process.pid) }));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({ scanned: true, measured: true });
  });
});

/** The real /proc, counting the pids whose files are read. */
function countingProc(): { reader: ProcReader; read: Set<number> } {
  const read = new Set<number>();
  const counted =
    <T>(inner: (pid: number) => T) =>
    (pid: number): T => {
      read.add(pid);
      return inner(pid);
    };
  return {
    read,
    reader: {
      pids: () => procReader.pids(),
      stat: counted((pid) => procReader.stat(pid)),
      argv: counted((pid) => procReader.argv(pid)),
      uids: counted((pid) => procReader.uids(pid)),
      cwd: counted((pid) => procReader.cwd(pid)),
      uptimeMs: () => procReader.uptimeMs(),
      ticksPerSecond: procReader.ticksPerSecond,
    },
  };
}

/** What the scanner's `onListed` calls, and a wait for that call that fails, rather than hangs, when none comes. */
function signal(): { readonly called: () => Promise<void>; readonly resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  const called = (): Promise<void> =>
    Promise.race([
      promise,
      new Promise<void>((_, reject) => {
        setTimeout(() => {
          reject(new Error('onListed was not called'));
        }, 5_000);
      }),
    ]);
  return { called, resolve };
}

/** A listing that remembers, taking every process for settled (as one started long before would be). */
const settledLister = () => rememberingLister({ linux: new ProcTable({ settleMs: 0 }), mac: new MacListingMemory() });

describe.runIf(onLinux)('the remembered listing on real processes', () => {
  it('reads no file of a known agent at the next listing, and reads the agent started since', async () => {
    const first = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    const proc = countingProc();
    const table = new ProcTable({ reader: proc.reader, settleMs: 0 });
    const details = (executable: string | null): boolean => executable === 'node';
    expect((await table.list(details)).find((entry) => entry.pid === first.pid)?.commandLine).toContain(
      first.scriptPath,
    );
    expect(proc.read.has(first.pid)).toBe(true);
    const second = await keeper.add(startEchoAgentProcess({ role: 'ceo' }));
    proc.read.clear();
    const listed = await table.list(details);
    expect(listed.find((entry) => entry.pid === first.pid)?.commandLine).toContain(first.scriptPath);
    expect(listed.find((entry) => entry.pid === second.pid)?.commandLine).toContain(second.scriptPath);
    expect([proc.read.has(first.pid), proc.read.has(second.pid)]).toEqual([false, true]);
  });

  it('lets the event loop turn while it reads every process the first time', async () => {
    const pids = procReader.pids().length;
    expect(pids).toBeGreaterThan(READ_CHUNK);
    let turned = false;
    const listing = new ProcTable().list(() => true);
    setImmediate(() => {
      turned = true;
    });
    // Set before the listing ended: the callback ran between two chunks of reads.
    expect(await listing.then(() => turned)).toBe(true);
  });

  it('finds a new agent at the turn’s listing, and says so with onListed before the next poll', async () => {
    const listed = signal();
    const scanner = scannerOf({
      listEvery: 1,
      onListed: () => {
        listed.resolve();
      },
    });
    await scanner.scan();
    const agent = await keeper.add(startEchoAgentProcess({ role: 'chro' }));
    // The turn's listing runs beside this scan.
    expect(find(await agentsOf(scanner), agent.pid)).toBeUndefined();
    await listed.called();
    expect(find(await agentsOf(scanner), agent.pid)?.role).toBe('chro');
  });

  it.runIf(canChoosePids())(
    'finds an agent under a pid it knew as another process when asked to look again',
    async ({ skip }) => {
      const lookalike = await keeper.add(startLookalikeProcess('other-role-file'));
      const listed = signal();
      const scanner = scannerOf({
        list: settledLister(),
        listEvery: 100,
        onListed: () => {
          listed.resolve();
        },
      });
      expect(find(await agentsOf(scanner), lookalike.pid)).toBeUndefined();
      await lookalike.stop();
      const agent = await startAgentAtPid(lookalike.pid, { role: 'cto' });
      if (!agent) {
        skip('other processes took the pid on every attempt');
        return;
      }
      expect(find(await agentsOf(scanner), agent.pid)).toBeUndefined();
      // A heartbeat names an agent with no known process: every process is read again.
      scanner.lookNow();
      await listed.called();
      expect(find(await agentsOf(scanner), agent.pid)).toMatchObject({ role: 'cto', root: agent.root });
    },
  );
});

describe('stopAgentProcess', () => {
  it('ends a real agent and waits for it to exit', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'senior_developer' }));
    expect(await stopStandIn(agent, 'senior_developer')).toEqual({ ok: true });
    // It has exited: this test's process, its parent, reaps it at its next turn.
    await expect.poll(() => agent.exited(), { timeout: 2_000 }).toBe(true);
    expect(pidExists(agent.pid)).toBe(false);
  });

  it('reads the pid through ps and lsof where there is no /proc, as it does through /proc', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    const [fromPs, fromProc] = await Promise.all([
      describeProcess(agent.pid, 'darwin'),
      describeProcess(agent.pid, 'linux'),
    ]);
    expect(fromPs).toMatchObject({
      pid: agent.pid,
      ppid: process.pid,
      uid: fromProc?.uid,
      executable: fromProc?.executable,
      argv: null,
      commandLine: fromProc?.commandLine,
    });
    // lsof gives the cwd where it is installed.
    expect([fromProc?.cwd, null]).toContain(fromPs?.cwd);
    expect(await stopStandIn(agent, 'cto', { describe: (pid) => describeProcess(pid, 'darwin') })).toEqual({
      ok: true,
    });
    await expect.poll(() => agent.exited(), { timeout: 2_000 }).toBe(true);
    expect(pidExists(agent.pid)).toBe(false);
  });

  it('never signals a pid that runs something else, another root’s agent, or a VM it was not told of', async () => {
    const other = await keeper.add(startLookalikeProcess('other-role-file'));
    const cto = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    expect(await stopStandIn(other, 'ceo')).toEqual({
      ok: false,
      failure: 'not_sent',
      error: `pid ${other.pid} is not ceo's Erlang VM; nothing was signalled`,
    });
    expect(await stopStandIn(cto, 'ceo')).toEqual({
      ok: false,
      failure: 'not_sent',
      error: `pid ${cto.pid} is not ceo's Erlang VM; nothing was signalled`,
    });
    expect(
      await stopAgentProcess({ pid: cto.pid, role: 'cto', root: other.root, start: startOf(cto.pid) }, STAND_INS),
    ).toEqual({
      ok: false,
      failure: 'not_sent',
      error: `pid ${cto.pid} runs cto from ${cto.root}, not from ${other.root}; nothing was signalled`,
    });
    // Without node among the VM's executables the stand-in is no agent at all.
    expect(await stopAgentProcess({ pid: cto.pid, role: 'cto', root: cto.root, start: startOf(cto.pid) })).toEqual({
      ok: false,
      failure: 'not_sent',
      error: `pid ${cto.pid} is not cto's Erlang VM; nothing was signalled`,
    });
    expect([pidExists(other.pid), other.exited(), pidExists(cto.pid), cto.exited()]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('refuses a pid whose agent has already exited', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'chro' }));
    await agent.stop();
    expect(await stopStandIn(agent, 'chro')).toEqual({
      ok: false,
      failure: 'not_sent',
      error: `pid ${agent.pid} no longer runs; nothing was signalled`,
    });
  });

  it('says so when the agent has not exited in time', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'test_lead', ignoreSigterm: true }));
    const started = performance.now();
    expect(await stopStandIn(agent, 'test_lead', { timeoutMs: 300, pollMs: 20 })).toEqual({
      ok: false,
      failure: 'no_answer',
      error: `test_lead (pid ${agent.pid}) has not exited within 0.3 s`,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(pidExists(agent.pid)).toBe(true);
  });
});
