import { execFile } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentProcess } from '../../src/main/core/readings';
import { AgentProcessScanner, measureWithPidusage, readModelFromEnviron } from '../../src/main/sources/agentProcesses';
import { listProcesses } from '../../src/main/sources/processListing';
import { currentCommandLine, stopAgentProcess } from '../../src/main/sources/stopAgentProcess';
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

const find = (agents: readonly AgentProcess[], pid: number): AgentProcess | undefined => agents.find((agent) => agent.pid === pid);

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
function countingList(...ours: StartedProcess[]): { list: () => ReturnType<typeof listProcesses>; calls: () => number } {
  let calls = 0;
  const pids = new Set(ours.map((started) => started.pid));
  return {
    list: async () => {
      calls += 1;
      return (await listProcesses()).filter((entry) => pids.has(entry.pid));
    },
    calls: () => calls,
  };
}

describe('AgentProcessScanner on real processes', () => {
  it('finds an agent with its role, model, memory and start, and its CPU from the second scan', async () => {
    const before = Date.now();
    const agent = await keeper.add(startEchoAgentProcess({ role: 'senior_developer', model: 'deepseek-coder:6.7b' }));
    const scanner = new AgentProcessScanner();

    const first = find((await scanner.scan()).value, agent.pid);
    expect(first).toMatchObject({ role: 'senior_developer', model: onLinux ? 'deepseek-coder:6.7b' : null, cpuPercent: null });
    // The program holds 20 MB it wrote to, on top of Node's own.
    expect(first?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    // Its true start: after `before`, less the tick it is counted in (10 ms on Linux, a second from ps elsewhere).
    expect(first?.startedAt).toBeGreaterThanOrEqual(before - (onLinux ? 50 : 1100));
    expect(first?.startedAt).toBeLessThanOrEqual(Date.now());

    const second = find((await scanner.scan()).value, agent.pid);
    expect(second?.cpuPercent).toEqual(expect.any(Number));
    expect(second?.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(Math.abs((second?.startedAt ?? 0) - (first?.startedAt ?? 0))).toBeLessThan(100);
  });

  it('reads a busy agent near one core and an idle one near none', async () => {
    const busy = await keeper.add(startEchoAgentProcess({ role: 'cto', busy: true }));
    const idle = await keeper.add(startEchoAgentProcess({ role: 'chro' }));
    const scanner = new AgentProcessScanner({ listEvery: 100 });
    await scanner.scan();
    await expect
      .poll(async () => {
        const agents = (await scanner.scan()).value;
        return [find(agents, busy.pid)?.cpuPercent ?? 0, find(agents, idle.pid)?.cpuPercent ?? 100];
      }, { interval: 200, timeout: 10_000 })
      .toSatisfy(([busyCpu = 0, idleCpu = 100]: number[]) => busyCpu > 30 && idleCpu < 10);
  });

  it('does not report an agent once it has exited, and lists again at once', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'test_lead' }));
    const counting = countingList(agent);
    const scanner = new AgentProcessScanner({ list: counting.list, listEvery: 100 });
    expect(find((await scanner.scan()).value, agent.pid)).toBeDefined();
    await agent.stop();
    expect(find((await scanner.scan()).value, agent.pid)).toBeUndefined();
    expect(counting.calls()).toBe(2);
  });

  it.runIf(canChoosePids())('follows a pid from an agent that exited to the agent that was given its number', async ({ skip }) => {
    const first = await keeper.add(startEchoAgentProcess({ role: 'ceo', model: 'qwen2.5:14b' }));
    const scanner = new AgentProcessScanner({ listEvery: 100 });
    await scanner.scan();
    // pidusage now holds the ceo's /proc/<pid>/stat open.
    expect(find((await scanner.scan()).value, first.pid)?.role).toBe('ceo');
    await first.stop();
    const second = await startAgentAtPid(first.pid, { role: 'cto', model: 'deepseek-coder:33b' });
    if (!second) {
      skip('other processes took the pid on every attempt');
      return;
    }
    expect(find((await scanner.scan()).value, first.pid)).toMatchObject({ role: 'cto', model: 'deepseek-coder:33b', cpuPercent: null });
    expect(find((await scanner.scan()).value, first.pid)?.cpuPercent).toEqual(expect.any(Number));
  });

  it('takes none of the lookalikes for an agent, though the listing shows their whole command lines', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'ceo', model: 'qwen2.5:14b' }));
    const lookalikes = await Promise.all(
      (['other-role-file', 'flag-suffix', 'no-flag'] as const).map((kind) => keeper.add(startLookalikeProcess(kind))),
    );
    const listing = await listProcesses();
    for (const lookalike of lookalikes) {
      expect(listing.find((entry) => entry.pid === lookalike.pid)?.commandLine).toContain(lookalike.scriptPath);
    }
    const ours = new Set([agent.pid, ...lookalikes.map((lookalike) => lookalike.pid)]);
    const found = (await new AgentProcessScanner().scan()).value.filter((entry) => ours.has(entry.pid));
    expect(found.map((entry) => [entry.pid, entry.role])).toEqual([[agent.pid, 'ceo']]);
  });

  it('lists every process only every listEvery scans, and measures the agent on each', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'product_manager' }));
    const counting = countingList(agent);
    const scanner = new AgentProcessScanner({ list: counting.list, listEvery: 3 });
    for (let scan = 0; scan < 7; scan += 1) expect(find((await scanner.scan()).value, agent.pid)).toBeDefined();
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

  it('measures only pids that run, and asks pidusage nothing for none', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'operations_head' }));
    const measure = measureWithPidusage();
    expect(await measure([])).toEqual(new Map());
    expect((await measure([agent.pid])).get(agent.pid)?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    await agent.stop();
    expect(await measure([agent.pid])).toEqual(new Map());
  });

  it('leaves nothing running that would keep a process from exiting', async () => {
    // pidusage keeps each pid's history with an interval that clears it; that interval is unref'd.
    const script = `
      const { AgentProcessScanner, measureWithPidusage } = await import(${JSON.stringify(`${ROOT}src/main/sources/agentProcesses.ts`)});
      const scan = await new AgentProcessScanner({ listEvery: 1 }).scan();
      const measured = await measureWithPidusage()([process.pid]);
      console.log(JSON.stringify({ scanned: Array.isArray(scan.value), measured: measured.has(process.pid) }));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({ scanned: true, measured: true });
  });
});

describe('stopAgentProcess', () => {
  it('ends a real agent and waits for it to exit', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'senior_developer' }));
    expect(await stopAgentProcess(agent.pid, 'senior_developer')).toEqual({ ok: true });
    expect(pidExists(agent.pid)).toBe(false);
    expect(agent.exited()).toBe(true);
  });

  it('confirms the pid through the process listing where there is no /proc', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    expect(await currentCommandLine(agent.pid, 'darwin')).toBe(await currentCommandLine(agent.pid, 'linux'));
    expect(await stopAgentProcess(agent.pid, 'cto', { platform: 'darwin' })).toEqual({ ok: true });
    expect(pidExists(agent.pid)).toBe(false);
  });

  it('never signals a pid that runs something else', async () => {
    const other = await keeper.add(startLookalikeProcess('other-role-file'));
    const cto = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    expect(await stopAgentProcess(other.pid, 'ceo')).toEqual({ ok: false, failure: 'not_sent', error: `pid ${other.pid} no longer runs ceo; nothing was signalled` });
    expect(await stopAgentProcess(cto.pid, 'ceo')).toEqual({ ok: false, failure: 'not_sent', error: `pid ${cto.pid} no longer runs ceo; nothing was signalled` });
    expect([pidExists(other.pid), other.exited(), pidExists(cto.pid), cto.exited()]).toEqual([true, false, true, false]);
  });

  it('refuses a pid whose agent has already exited', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'chro' }));
    await agent.stop();
    expect(await stopAgentProcess(agent.pid, 'chro')).toEqual({ ok: false, failure: 'not_sent', error: `pid ${agent.pid} no longer runs chro; nothing was signalled` });
  });

  it('says so when the agent has not exited in time', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'test_lead', ignoreSigterm: true }));
    const started = performance.now();
    expect(await stopAgentProcess(agent.pid, 'test_lead', { timeoutMs: 300, pollMs: 20 })).toEqual({
      ok: false,
      failure: 'no_answer',
      error: `test_lead (pid ${agent.pid}) has not exited within 0.3 s`,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(pidExists(agent.pid)).toBe(true);
  });

  it('refuses what is not a process id before reading anything', async () => {
    const asked: number[] = [];
    const confirm = (pid: number): Promise<string | null> => (asked.push(pid), Promise.resolve(null));
    for (const pid of [0, -1, 1.5, Number.NaN]) {
      expect(await stopAgentProcess(pid, 'ceo', { confirm })).toEqual({ ok: false, failure: 'not_sent', error: `${pid} is not a process id` });
    }
    expect(asked).toEqual([]);
  });

  it('says why when it cannot read the command line', async () => {
    const confirm = (): Promise<string | null> => Promise.reject(new Error('EACCES: permission denied, open /proc/4242/cmdline'));
    expect(await stopAgentProcess(4242, 'ceo', { confirm })).toEqual({
      ok: false,
      failure: 'not_sent',
      error: 'could not read the command line of pid 4242: EACCES: permission denied, open /proc/4242/cmdline',
    });
  });
});
