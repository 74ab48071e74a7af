import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentProcessScanner } from '../../src/main/sources/processes/agentProcessScanner';
import { listProcesses, type ListingOptions } from '../../src/main/sources/processes/processListing';
import { probeProcesses } from '../../src/main/sources/processes/processProbe';
import {
  erlangAvailable,
  erlangKeeper,
  startLookalikeVm,
  type LookalikeVm,
  type LookalikeVmOptions,
} from '../support/erlangAgents';

/**
 * The process scanner when processes come and go by the hundred, and when
 * this process has no file descriptor left: no descriptor is kept per pid, the
 * pids followed are bounded, and a poll that cannot open a file says the
 * processes are unknown, never gone, and reads them again once it can.
 */
const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

const keeper = erlangKeeper();
const started: LookalikeVm[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((one) => one.stop()));
  await keeper.stopAll();
});

async function lookalikes(count: number, options: LookalikeVmOptions): Promise<LookalikeVm[]> {
  const made: LookalikeVm[] = [];
  // A few at a time: a two-core machine starts them no faster all at once.
  for (let next = 0; next < count; next += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - next) }, () => startLookalikeVm(options)),
    );
    started.push(...batch);
    made.push(...batch);
  }
  return made;
}

/**
 * The real listing, narrowed to these pids: other test files start ECHO-like processes of their own on this machine.
 */
function listingOf(pids: ReadonlySet<number>): (options: ListingOptions) => ReturnType<typeof listProcesses> {
  return async (options) => (await listProcesses(options)).filter((entry) => pids.has(entry.pid));
}

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

describe.skipIf(!erlangAvailable())('the scanner as pids come and go', () => {
  it('keeps no descriptor per pid, however many exit and are replaced', { timeout: 120_000 }, async () => {
    const root = await keeper.root();
    const ours = new Set<number>();
    const scanner = new AgentProcessScanner({ root: root.path, list: listingOf(ours), listEvery: 1 });
    const round = async (): Promise<void> => {
      const batch = await lookalikes(60, { root: root.path, role: 'cto' });
      for (const one of batch) ours.add(one.pid);
      // New processes are seen by the listing made beside a scan, taken in by the next.
      await expect
        .poll(async () => (await scanner.scan()).value.agents.length, { interval: 50, timeout: 10_000 })
        .toBe(60);
      await scanner.scan();
      // The registry's pids are probed on this machine too.
      await probeProcesses(batch.map((one) => one.pid));
      await Promise.all(batch.map((one) => one.stop()));
      await expect.poll(async () => (await scanner.scan()).value.agents, { interval: 50, timeout: 10_000 }).toEqual([]);
      ours.clear();
    };
    await round();
    const before = openDescriptors();
    for (let again = 0; again < 4; again += 1) await round();
    // 240 pids measured and gone since: the count is what it was, give or take the test runner's own.
    expect(openDescriptors() - before).toBeLessThan(20);
  });

  it('follows at most the agents a snapshot lists, and says how many it left out', { timeout: 120_000 }, async () => {
    const root = await keeper.root();
    const batch = await lookalikes(210, { root: root.path, role: 'senior_developer' });
    const scanner = new AgentProcessScanner({ root: root.path, list: listingOf(new Set(batch.map((one) => one.pid))) });
    const { value, dropped } = await scanner.scan();
    expect(value.agents).toHaveLength(200);
    expect(dropped).toEqual(["10 of ECHO's 210 processes here are left out: at most 200 are followed"]);
  });
});

/** Runs a script in a Node of its own with at most `limit` descriptors, and gives what it printed last as JSON. */
async function withFewDescriptors<T>(limit: number, script: string, args: readonly string[]): Promise<T> {
  const { stdout } = await run(
    'bash',
    [
      '-c',
      `ulimit -n ${limit} && exec "$0" --import tsx --input-type=module -e "$1" "\${@:2}"`,
      process.execPath,
      script,
      ...args,
    ],
    {
      cwd: ROOT,
      timeout: 60_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T;
}

/** Takes every descriptor left (until EMFILE) and gives them back on `free`. */
const HOARD = `
  const fs = await import('node:fs');
  const held = [];
  const hoard = () => { try { for (;;) held.push(fs.openSync('/dev/null', 'r')); } catch (error) { return error.code; } };
  const free = (count = held.length) => { for (const fd of held.splice(0, count)) fs.closeSync(fd); };
`;

describe.skipIf(!erlangAvailable())('with no file descriptor left', () => {
  it('a scan fails, and says why, rather than report the agents gone; the next one with descriptors reads them, model and all', async () => {
    const root = await keeper.root();
    const [agent] = await lookalikes(1, { root: root.path, role: 'ceo', env: { CEO_MODEL: 'qwen2.5:14b' } });
    const script = `
      ${HOARD}
      const { AgentProcessScanner } = await import(${JSON.stringify(`${ROOT}src/main/sources/processes/agentProcessScanner.ts`)});
      const { attempt } = await import(${JSON.stringify(`${ROOT}src/main/sources/screening.ts`)});
      const scanner = new AgentProcessScanner({ root: process.argv[1] });
      const describe = (error) => String(error instanceof Error ? error.message : error);
      const hoarded = hoard();
      const during = await attempt(() => scanner.scan(), describe, 10_000);
      free();
      const after = await attempt(() => scanner.scan(), describe, 10_000);
      console.log(JSON.stringify({ hoarded, during, after: after.ok ? after.value.agents.map((one) => [one.pid, one.model]) : after.error }));
    `;
    const seen = await withFewDescriptors<{ hoarded: string; during: { ok: boolean; error?: string }; after: unknown }>(
      256,
      script,
      [root.path],
    );
    expect(seen.hoarded).toBe('EMFILE');
    expect(seen.during).toMatchObject({ ok: false, error: expect.stringContaining('EMFILE') });
    expect(seen.after).toEqual([[agent?.pid, 'qwen2.5:14b']]);
  });

  it('Stop never calls an agent stopped that it cannot see go: it signals nothing it cannot check', async () => {
    const root = await keeper.root();
    const [agent] = await lookalikes(1, { root: root.path, role: 'cto', ignoreSigterm: true });
    // The descriptors run out right after the agent is read for the last check before the signal.
    const script = `
      ${HOARD}
      const { stopAgentProcess } = await import(${JSON.stringify(`${ROOT}src/main/sources/processes/stopAgentProcess.ts`)});
      const { describeProcess } = await import(${JSON.stringify(`${ROOT}src/main/sources/processes/processListing.ts`)});
      const pid = Number(process.argv[2]);
      const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
      const start = { ticks: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]), at: null };
      const describe = async (asked) => { const found = await describeProcess(asked); hoard(); return found; };
      const outcome = await stopAgentProcess({ pid, role: 'cto', root: process.argv[1], start }, { describe, startOf: () => Promise.resolve(start), timeoutMs: 500, pollMs: 20 });
      free();
      console.log(JSON.stringify(outcome));
    `;
    const outcome = await withFewDescriptors<{ ok: boolean; failure?: string }>(256, script, [
      root.path,
      String(agent?.pid),
    ]);
    expect(outcome.ok).toBe(false);
    expect(agent?.exited()).toBe(false);
  });
});
