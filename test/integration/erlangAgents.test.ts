import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pidExists } from '../support/echoAgentProcess';
import {
  CLAUDE_DESKTOP_ENV,
  MIX_EXTRA,
  argvOf,
  commOf,
  cwdOf,
  environOf,
  escriptModuleOf,
  erlangAvailable,
  erlangKeeper,
  parentOf,
  startErlangAgent,
  statusField,
  vmPidsUnder,
  type EchoRoot,
  type ErlangAgent,
  type ErlangAgentOptions,
} from '../support/erlangAgents';

/**
 * The harness that starts real Erlang VMs as ECHO's agents: each form and
 * wrapper as /proc shows it, orphans, another user's agent, stdin, SIGTERM,
 * and nothing left running afterwards.
 */

const HARNESS = fileURLToPath(new URL('../support/erlangAgents.ts', import.meta.url));
const NOBODY = { uid: 65534, gid: 65534 };

const keeper = erlangKeeper();
const roots: EchoRoot[] = [];
afterEach(() => keeper.stopAll());
afterAll(() => {
  // Whatever a test did, no VM of its roots outlives the file.
  expect(roots.flatMap((root) => vmPidsUnder(root.path))).toEqual([]);
});

async function freshRoot(name?: string): Promise<string> {
  const root = await keeper.root(name);
  roots.push(root);
  return root.path;
}

const start = (options: ErlangAgentOptions): Promise<ErlangAgent> => keeper.add(startErlangAgent(options));

/**
 * A Mix escript's VM as OTP 25's escript starts it: the path as launched, the emulator's flags, then the path again and
 * the arguments.
 */
const escriptArgv = (launchedAs: string, role: string, args: readonly string[]): unknown[] => [
  launchedAs,
  '-B',
  '--',
  '-root',
  '/usr/lib/erlang',
  '-bindir',
  expect.stringMatching(/^\/usr\/lib\/erlang\/erts-[\d.]+\/bin$/),
  '-progname',
  'erl',
  '--',
  '-home',
  process.env.HOME ?? expect.any(String),
  '--',
  '-boot',
  'no_dot_erlang',
  '-noshell',
  '-escript',
  'main',
  escriptModuleOf(role),
  '-run',
  'escript',
  'start',
  '-extra',
  launchedAs,
  ...args,
];

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

const rssKb = (pid: number): number => Number.parseInt(statusField(pid, 'VmRSS') ?? '0', 10);

// A VM takes about half a second to start, an orphan's or a restart loop's stop a second more (init reaps it).
describe.skipIf(!erlangAvailable())('real Erlang VMs started as ECHO agents', { timeout: 60_000 }, () => {
  it("autonomous from its app folder: `./cto --autonomous`, cwd apps/cto, a beam.smp holding a VM's memory", async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'cto', form: 'autonomous-relative' });
    expect(commOf(agent.vmPid)).toBe('beam.smp');
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv('./cto', 'cto', ['--autonomous']));
    expect(cwdOf(agent.vmPid)).toBe(join(root, 'apps', 'cto'));
    expect(agent).toMatchObject({
      wrapperPid: null,
      parentPid: process.pid,
      scriptPath: join(root, 'apps', 'cto', 'cto'),
      role: 'cto',
      form: 'autonomous-relative',
      cwd: join(root, 'apps', 'cto'),
    });
    // The escript execs the VM: the process started is the VM.
    expect(agent.launcherPid).toBe(agent.vmPid);
    expect(rssKb(agent.vmPid)).toBeGreaterThan(40 * 1024);
    expect(vmPidsUnder(root)).toEqual([agent.vmPid]);
  });

  it('autonomous by its absolute path, from /', async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'senior_architect', form: 'autonomous-absolute' });
    const script = join(root, 'apps', 'senior_architect', 'senior_architect');
    expect(commOf(agent.vmPid)).toBe('beam.smp');
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv(script, 'senior_architect', ['--autonomous']));
    expect(cwdOf(agent.vmPid)).toBe('/');
    expect(vmPidsUnder(root)).toEqual([agent.vmPid]);
  });

  it("MCP mode from ECHO's script: `tail -f /dev/null | nohup <path>` under sh, no flag, stdin from tail, nohup gone into the VM", async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'ceo', form: 'mcp' });
    const script = join(root, 'apps', 'ceo', 'ceo');
    expect(commOf(agent.vmPid)).toBe('beam.smp');
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv(script, 'ceo', []));
    expect(cwdOf(agent.vmPid)).toBe(root);
    expect(agent.wrapper).toBe('nohup-pipe');
    expect(agent.wrapperPid).not.toBe(agent.vmPid);
    expect(agent.wrapperPid).toBe(agent.parentPid);
    expect(commOf(agent.parentPid)).toBe('sh');
    expect(argvOf(agent.parentPid)).toEqual(['sh', '-c', `tail -f /dev/null | nohup '${script}'`]);
    expect(agent.feederPid).not.toBeNull();
    const feeder = agent.feederPid ?? 0;
    expect(argvOf(feeder)).toEqual(['tail', '-f', '/dev/null']);
    expect(parentOf(feeder)).toBe(agent.parentPid);
  });

  it("Claude Desktop's agents/<role>/<role>: no flag, from /, with the template's environment", async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'product_manager', form: 'claude-desktop' });
    const script = join(root, 'agents', 'product_manager', 'product_manager');
    expect(agent.scriptPath).toBe(script);
    expect(commOf(agent.vmPid)).toBe('beam.smp');
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv(script, 'product_manager', []));
    expect(cwdOf(agent.vmPid)).toBe('/');
    expect(environOf(agent.vmPid)).toMatchObject({
      DB_PORT: '5432',
      DB_NAME: 'echo_org_dev',
      DB_USER: 'postgres',
      REDIS_PORT: '6379',
    });
    expect(environOf(agent.vmPid)).toMatchObject(CLAUDE_DESKTOP_ENV);
    expect(vmPidsUnder(root)).toEqual([agent.vmPid]);
  });

  it("mix run --no-halt's VM (erl standing in for mix): beam.smp's own path first, `-extra /usr/bin/mix run --no-halt`, cwd apps/<role>", async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'uiux_engineer', form: 'mix' });
    const argv = argvOf(agent.vmPid);
    expect(commOf(agent.vmPid)).toBe('beam.smp');
    expect(argv[0]).toMatch(/^\/usr\/lib\/erlang\/erts-[\d.]+\/bin\/beam\.smp$/);
    expect(argv.slice(-4)).toEqual(['-extra', ...MIX_EXTRA]);
    expect(argv).toContain('-noshell');
    expect(cwdOf(agent.vmPid)).toBe(join(root, 'apps', 'uiux_engineer'));
    // Nothing on its command line names the root: only its working directory places it.
    expect(argv.some((argument) => argument.includes(root))).toBe(false);
    expect(vmPidsUnder(root)).toEqual([agent.vmPid]);
  });

  it('the delegator: apps/delegator/delegator in MCP mode, whatever role is asked', async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'delegator', form: 'delegator' });
    const script = join(root, 'apps', 'delegator', 'delegator');
    expect(agent.role).toBe('delegator');
    // Its mix.exs sets the escript's app to nil, so Mix names its module nil_escript.
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv(script, 'delegator', []));
    expect(argvOf(agent.vmPid)).toContain('nil_escript');
    expect(cwdOf(agent.vmPid)).toBe('/');
  });

  it('under timeout: the VM is the child of `timeout 3600 <path> --autonomous`, never the wrapper', async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'test_lead', form: 'autonomous-relative', wrapper: 'timeout' });
    expect(agent.wrapperPid).not.toBeNull();
    const wrapper = agent.wrapperPid ?? 0;
    expect(agent.vmPid).not.toBe(wrapper);
    expect(commOf(agent.vmPid)).toBe('beam.smp');
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv('./test_lead', 'test_lead', ['--autonomous']));
    expect(commOf(wrapper)).toBe('timeout');
    expect(argvOf(wrapper)).toEqual(['timeout', '3600', './test_lead', '--autonomous']);
    expect(parentOf(agent.vmPid)).toBe(wrapper);
    expect(parentOf(wrapper)).toBe(process.pid);
    expect(vmPidsUnder(root)).toEqual([agent.vmPid]);
  });

  it('in a restart loop: the VM is the child of bash, comes back when killed, and stop() ends the loop so none comes back', async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'chro', form: 'autonomous-absolute', wrapper: 'restart-loop' });
    const script = join(root, 'apps', 'chro', 'chro');
    const wrapper = agent.wrapperPid ?? 0;
    expect(agent.vmPid).not.toBe(wrapper);
    expect(commOf(wrapper)).toBe('bash');
    expect(argvOf(wrapper)).toEqual(['bash', '-c', `while true; do '${script}' --autonomous; sleep 1; done`]);
    expect(parentOf(agent.vmPid)).toBe(wrapper);

    process.kill(agent.vmPid, 'SIGKILL');
    await expect.poll(() => agent.exited()).toBe(true);
    await expect
      .poll(() => vmPidsUnder(root).filter((pid) => pid !== agent.vmPid), { timeout: 10_000 })
      .toHaveLength(1);
    const again = vmPidsUnder(root)[0] ?? 0;
    expect(parentOf(again)).toBe(wrapper);

    await agent.stop();
    expect([pidExists(wrapper), pidExists(again)]).toEqual([false, false]);
    // Longer than the loop's pause: no new VM appears.
    await sleep(1_500);
    expect(vmPidsUnder(root)).toEqual([]);
  });

  it('nohup-pipe around an autonomous agent: sh, tail feeding its stdin, the VM', async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'operations_head', form: 'autonomous-relative', wrapper: 'nohup-pipe' });
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv('./operations_head', 'operations_head', ['--autonomous']));
    expect(argvOf(agent.wrapperPid ?? 0)).toEqual([
      'sh',
      '-c',
      'tail -f /dev/null | nohup ./operations_head --autonomous',
    ]);
    expect(commOf(agent.feederPid ?? 0)).toBe('tail');
  });

  it('refuses the mcp form under another wrapper', async () => {
    const root = await freshRoot();
    await expect(startErlangAgent({ root, role: 'ceo', form: 'mcp', wrapper: 'timeout' })).rejects.toThrow(
      "runs under 'nohup-pipe'",
    );
  });

  it("an orphan: its launcher has exited, and its parent is init's (or a subreaper's), not the launcher's", async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'ceo', form: 'autonomous-absolute', orphan: true });
    expect(commOf(agent.vmPid)).toBe('beam.smp');
    expect(argvOf(agent.vmPid)).toEqual(escriptArgv(join(root, 'apps', 'ceo', 'ceo'), 'ceo', ['--autonomous']));
    expect(agent.wrapperPid).toBeNull();
    expect(pidExists(agent.launcherPid)).toBe(false);
    expect(agent.parentPid).not.toBe(agent.launcherPid);
    expect(agent.parentPid).not.toBe(process.pid);
    expect(parentOf(agent.vmPid)).toBe(agent.parentPid);
    await agent.stop();
    expect(pidExists(agent.vmPid)).toBe(false);
  });

  it('an orphan under timeout keeps its wrapper: the VM is the child of timeout, which init took over', async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'cto', form: 'autonomous-relative', wrapper: 'timeout', orphan: true });
    const wrapper = agent.wrapperPid ?? 0;
    expect(commOf(wrapper)).toBe('timeout');
    expect(agent.parentPid).toBe(wrapper);
    expect(parentOf(wrapper)).not.toBe(agent.launcherPid);
    expect(parentOf(wrapper)).not.toBe(process.pid);
    expect(cwdOf(agent.vmPid)).toBe(join(root, 'apps', 'cto'));
  });

  it('an orphaned MCP pipeline: tail and the VM both taken over, the VM still fed by tail and ending with it', async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'cto', form: 'mcp', orphan: true });
    expect(agent.wrapperPid).toBeNull();
    expect(agent.parentPid).not.toBe(agent.launcherPid);
    expect(commOf(agent.feederPid ?? 0)).toBe('tail');
    expect(agent.exited()).toBe(false);
    await agent.endStdin();
    await expect.poll(() => agent.exited(), { timeout: 5_000 }).toBe(true);
  });

  it("an orphaned Claude Desktop agent still reads the harness's pipe, and exits when it closes", async () => {
    const root = await freshRoot();
    const agent = await start({ root, role: 'ceo', form: 'claude-desktop', orphan: true });
    expect(agent.parentPid).not.toBe(process.pid);
    await sleep(500);
    expect(agent.exited()).toBe(false);
    await agent.endStdin();
    await expect.poll(() => agent.exited(), { timeout: 5_000 }).toBe(true);
  });

  it("another user's agent: every process of it runs as that uid and gid", async () => {
    const root = await freshRoot();
    const relative = await start({ root, role: 'senior_developer', form: 'autonomous-relative', user: NOBODY });
    const wrapped = await start({ root, role: 'test_lead', form: 'claude-desktop', wrapper: 'timeout', user: NOBODY });
    for (const pid of [relative.vmPid, wrapped.vmPid, wrapped.wrapperPid ?? 0]) {
      expect(statusField(pid, 'Uid')?.split(/\s+/)).toEqual(['65534', '65534', '65534', '65534']);
      expect(statusField(pid, 'Gid')?.split(/\s+/)).toEqual(['65534', '65534', '65534', '65534']);
    }
    expect(cwdOf(relative.vmPid)).toBe(join(root, 'apps', 'senior_developer'));
    // Its home is its own, as its VM's argv says.
    const argv = argvOf(relative.vmPid);
    expect(argv[argv.indexOf('-home') + 1]).toBe(environOf(relative.vmPid).HOME);
    expect(environOf(relative.vmPid).HOME).not.toBe('/root');
    await wrapped.endStdin();
    await expect.poll(() => wrapped.exited(), { timeout: 5_000 }).toBe(true);
  });

  it('autonomous agents (and mix) ignore stdin: they outlive its end', async () => {
    const root = await freshRoot();
    const agents = await Promise.all([
      start({ root, role: 'cto', form: 'autonomous-relative' }),
      start({ root, role: 'ceo', form: 'autonomous-absolute', wrapper: 'timeout' }),
      start({ root, role: 'chro', form: 'mix' }),
    ]);
    await Promise.all(agents.map((agent) => agent.endStdin()));
    await sleep(1_500);
    expect(agents.map((agent) => agent.exited())).toEqual([false, false, false]);
  });

  it('MCP agents (tail | nohup, Claude Desktop, the delegator) exit when stdin ends, and their wrappers with them', async () => {
    const root = await freshRoot();
    const [piped, desktop, delegator, looped] = await Promise.all([
      start({ root, role: 'cto', form: 'mcp' }),
      start({ root, role: 'ceo', form: 'claude-desktop' }),
      start({ root, role: 'delegator', form: 'delegator' }),
      start({ root, role: 'chro', form: 'claude-desktop', wrapper: 'restart-loop' }),
    ]);
    const mcp = [piped, desktop, delegator];
    await sleep(500);
    expect([...mcp, looped].map((agent) => agent.exited())).toEqual([false, false, false, false]);
    await Promise.all(mcp.map((agent) => agent.endStdin()));
    await expect.poll(() => mcp.map((agent) => agent.exited()), { timeout: 5_000 }).toEqual([true, true, true]);
    // The pipeline's sh ends once its VM and tail have.
    await expect.poll(() => pidExists(piped.wrapperPid ?? 0), { timeout: 5_000 }).toBe(false);
    // Under a restart loop, a VM whose stdin has ended exits, and every new one too.
    await looped.endStdin();
    await expect.poll(() => looped.exited(), { timeout: 5_000 }).toBe(true);
  });

  it('a VM ends on SIGTERM by default; with ignoreSigterm it stays until SIGKILL', async () => {
    const root = await freshRoot();
    const plain = await start({ root, role: 'cto', form: 'autonomous-absolute' });
    const stubborn = await start({ root, role: 'ceo', form: 'autonomous-absolute', ignoreSigterm: true });
    const stubbornMix = await start({ root, role: 'chro', form: 'mix', ignoreSigterm: true });
    process.kill(plain.vmPid, 'SIGTERM');
    process.kill(stubborn.vmPid, 'SIGTERM');
    process.kill(stubbornMix.vmPid, 'SIGTERM');
    await expect.poll(() => plain.exited(), { timeout: 5_000 }).toBe(true);
    await sleep(1_500);
    expect([stubborn.exited(), stubbornMix.exited()]).toEqual([false, false]);
    await stubborn.stop();
    await stubbornMix.stop();
    expect([pidExists(stubborn.vmPid), pidExists(stubbornMix.vmPid)]).toEqual([false, false]);
  });

  it('stop() leaves nothing of any form or wrapper, and is harmless twice or after the VM has gone', async () => {
    const root = await freshRoot();
    const agents = await Promise.all([
      start({ root, role: 'cto', form: 'autonomous-relative' }),
      start({ root, role: 'ceo', form: 'mcp' }),
      start({ root, role: 'chro', form: 'mix', wrapper: 'restart-loop' }),
      start({ root, role: 'test_lead', form: 'autonomous-absolute', wrapper: 'timeout', orphan: true }),
      start({ root, role: 'uiux_engineer', form: 'claude-desktop', wrapper: 'nohup-pipe', user: NOBODY }),
    ]);
    expect(vmPidsUnder(root)).toEqual(agents.map((agent) => agent.vmPid).sort((a, b) => a - b));
    const pids = agents
      .flatMap((agent) => [agent.vmPid, agent.wrapperPid, agent.feederPid, agent.launcherPid])
      .filter((pid): pid is number => pid !== null);
    process.kill(agents[0].vmPid, 'SIGKILL');
    await Promise.all(agents.map((agent) => agent.stop()));
    await Promise.all(agents.map((agent) => agent.stop()));
    expect(pids.filter((pid) => pidExists(pid))).toEqual([]);
    expect(vmPidsUnder(root)).toEqual([]);
  });

  it('when the test process dies without stopping anything, its agents end themselves, restart loops included', async () => {
    const root = await freshRoot();
    const folder = await mkdtemp(join(tmpdir(), 'erlang-agents-lifeline-'));
    let starter: ChildProcess | null = null;
    try {
      const script = join(folder, 'starter.mts');
      await writeFile(
        script,
        `import { startErlangAgent } from ${JSON.stringify(HARNESS)};
const root = ${JSON.stringify(root)};
const agents = [
  await startErlangAgent({ root, role: 'cto', form: 'autonomous-relative' }),
  await startErlangAgent({ root, role: 'ceo', form: 'autonomous-absolute', wrapper: 'restart-loop' }),
  await startErlangAgent({ root, role: 'chro', form: 'mix', wrapper: 'timeout', orphan: true }),
];
process.stdout.write(JSON.stringify(agents.flatMap((agent) => [agent.vmPid, agent.wrapperPid].filter((pid) => pid !== null))) + '\\n');
setInterval(() => undefined, 60_000);
`,
      );
      const running = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      starter = running;
      const exit = once(running, 'exit');
      let text = '';
      running.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      await expect.poll(() => text.includes('\n'), { timeout: 30_000 }).toBe(true);
      const pids = JSON.parse(text) as number[];
      expect(pids).toHaveLength(5);
      expect(pids.every((pid) => pidExists(pid))).toBe(true);
      running.kill('SIGKILL');
      await exit;
      await expect.poll(() => pids.filter((pid) => pidExists(pid)), { timeout: 10_000 }).toEqual([]);
      // Longer than the loop's pause: the loop went with its VM, so none comes back.
      await sleep(1_500);
      expect(vmPidsUnder(root)).toEqual([]);
    } finally {
      // Should the test fail before its kill, the agents still go with the starter.
      if (starter && starter.exitCode === null && starter.signalCode === null) starter.kill('SIGKILL');
      await rm(folder, { recursive: true, force: true });
    }
  });
});
