import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAC_COMM_WIDTH,
  MAC_PS_ARGUMENTS,
  MacListingMemory,
  parseMacPsListing,
  PROCPS_COMM_WIDTH,
  type MacRunner,
} from '../../src/main/sources/processes/macProcessListing';
import { ARGUMENTS_READ_LIMIT } from '../../src/main/sources/processes/procFiles';
import { describeLinuxProcess, parseLsofCwd, pidRuns } from '../../src/main/sources/processes/processListing';

const onLinux = process.platform === 'linux';
const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, '../fixtures/process-listings', name));

describe('parseMacPsListing', () => {
  const mac = parseMacPsListing(fixture('macos-ps-ucomm-args.txt'), MAC_COMM_WIDTH);
  const line = (pid: number) => mac.find((entry) => entry.pid === pid);

  it('reads pid, parent, owner, the accounting name and the arguments of each line', () => {
    expect(mac).toHaveLength(20);
    expect(line(1)).toEqual({ pid: 1, ppid: 0, uid: 0, executable: 'launchd', args: '/sbin/launchd' });
    expect(line(1204)).toEqual({
      pid: 1204,
      ppid: 1400,
      uid: 501,
      executable: 'beam.smp',
      args: expect.stringMatching(
        /^\/opt\/homebrew\/.*\/beam\.smp -- -root .* -extra \/Users\/ana\/Code\/echo\/apps\/cto\/cto --autonomous$/,
      ),
    });
  });

  it('takes the name by its column, spaces and all, and the arguments whole, spaces and all', () => {
    expect(line(531)?.executable).toBe('Code Helper (Plu');
    expect(line(531)?.args).toMatch(
      /^\/Applications\/Visual Studio Code\.app\/.*\/Code Helper \(Plugin\) --type=utility /,
    );
    expect(line(1302)?.args).toContain(
      '-extra /Users/ana/Library/Mobile Documents/com~apple~CloudDocs/echo/apps/uiux_engineer/uiux_engineer --autonomous',
    );
  });

  it('reads a name that fills its 16 columns, and one of multibyte characters, whose column ps counts in bytes', () => {
    expect(line(540)).toMatchObject({
      executable: 'com.apple.WebKit',
      args: expect.stringMatching(/^\/System\/Library\//),
    });
    expect(line(612)).toMatchObject({
      executable: 'Übersicht',
      args: '/Applications/\\M-C\\M^\\bersicht.app/Contents/MacOS/\\M-C\\M^\\bersicht',
    });
  });

  it('reads an owner wider than its column, a zombie and arguments ps could not read', () => {
    expect(line(760)).toMatchObject({ uid: 4294967294, executable: 'nginx', args: 'nginx: worker process' });
    expect(line(1330)).toMatchObject({ executable: 'beam.smp', args: '<defunct>' });
    expect(line(1501)).toMatchObject({ uid: 502, executable: 'beam.smp', args: '(beam.smp)' });
  });

  it('reads procps’s same columns, 15 wide (recorded on Debian 12)', () => {
    const linux = parseMacPsListing(fixture('linux-procps-ucomm-args.txt'), PROCPS_COMM_WIDTH);
    expect(linux.map((entry) => [entry.pid, entry.ppid, entry.executable])).toEqual([
      [2, 0, 'kthreadd'],
      [14, 2, 'ksoftirqd/0'],
      [21070, 1, 'tail'],
      [21071, 1, 'beam.smp'],
      [21078, 21071, 'erl_child_setup'],
    ]);
    expect(linux[3]?.args).toMatch(/^\.\/cto -B -- -root \/usr\/lib\/erlang .* -extra \.\/cto --autonomous$/);
    expect(linux[4]?.args).toBe('erl_child_setup 20000');
  });

  it('cuts arguments longer than a listing reads, and leaves out what is not three numbers and a name', () => {
    const long = `/usr/bin/beam.smp ${'x'.repeat(ARGUMENTS_READ_LIMIT * 2)}`;
    const text = [
      `  900     1   501 beam.smp         ${long}`,
      '  PID  PPID   UID UCOMM            ARGS',
      'ps: illegal option -- w',
      '  901     1   501 ',
      '  x 1 2 name             args',
      '  902     1   501 redis-server     redis-server *:6383  \r',
      '',
    ].join('\n');
    const parsed = parseMacPsListing(text);
    expect(parsed.map((entry) => [entry.pid, entry.executable, entry.args.length])).toEqual([
      [900, 'beam.smp', ARGUMENTS_READ_LIMIT],
      [902, 'redis-server', 'redis-server *:6383'.length],
    ]);
    expect(parseMacPsListing('')).toEqual([]);
  });
});

/** A Mac's ps and lsof, answering from a recorded listing and counting what they are asked. */
function fakeMac(listing: () => string, cwds: Record<number, string> = {}) {
  const calls: string[][] = [];
  const runner: MacRunner = (file, args) => {
    calls.push([file, ...args]);
    if (file === 'ps') return Promise.resolve(Buffer.from(listing()));
    const pids = String(args.at(-1)).split(',').map(Number);
    return Promise.resolve(
      Buffer.from(pids.flatMap((pid) => (cwds[pid] ? [`p${pid}`, 'fcwd', `n${cwds[pid]}`] : [])).join('\n')),
    );
  };
  return { runner, calls };
}

describe('MacListingMemory', () => {
  const vmOnly = (executable: string | null): boolean => executable === 'beam.smp';
  const recorded = fixture('macos-ps-ucomm-args.txt').toString('utf8');
  const VMS = [901, 1204, 1302, 1325, 1330, 1501];

  it('lists with one ps, and asks lsof once for the working directories of the VMs it has not seen', async () => {
    const mac = fakeMac(() => recorded, { 1204: '/Users/ana/Code/echo/apps/cto' });
    const memory = new MacListingMemory(mac.runner, MAC_COMM_WIDTH);
    const listed = await memory.list(vmOnly);
    expect(listed.find((entry) => entry.pid === 1204)).toEqual({
      pid: 1204,
      ppid: 1400,
      uid: 501,
      executable: 'beam.smp',
      argv: null,
      commandLine: expect.stringContaining('-extra /Users/ana/Code/echo/apps/cto/cto --autonomous'),
      cwd: '/Users/ana/Code/echo/apps/cto',
    });
    // The rest: pid, parent and name only, as on Linux.
    expect(listed.find((entry) => entry.pid === 531)).toEqual({
      pid: 531,
      ppid: 517,
      uid: 501,
      executable: 'Code Helper (Plu',
      argv: null,
      commandLine: '',
      cwd: null,
    });
    expect(mac.calls).toEqual([
      ['ps', ...MAC_PS_ARGUMENTS],
      ['lsof', '-a', '-d', 'cwd', '-Fn', '-p', VMS.join(',')],
    ]);
  });

  it('runs no lsof for VMs it has seen with the same arguments, asks again for a new or changed one, forgets one gone', async () => {
    let text = recorded;
    const mac = fakeMac(() => text, { 1204: '/Users/ana/Code/echo/apps/cto', 2000: '/Users/ana/Code/echo/apps/ceo' });
    const memory = new MacListingMemory(mac.runner, MAC_COMM_WIDTH);
    await memory.list(vmOnly);
    mac.calls.length = 0;
    await memory.list(vmOnly);
    expect(mac.calls).toEqual([['ps', ...MAC_PS_ARGUMENTS]]);

    const ceo = ' 2000  1400   501 beam.smp         /opt/homebrew/bin/beam.smp -- -extra ./ceo --autonomous\n';
    text = recorded.replace(/^ 1325 .*\n/m, '') + ceo;
    text = text.replace('apps/cto/cto --autonomous', 'apps/cto/cto');
    mac.calls.length = 0;
    const listed = await memory.list(vmOnly);
    expect(mac.calls).toEqual([
      ['ps', ...MAC_PS_ARGUMENTS],
      ['lsof', '-a', '-d', 'cwd', '-Fn', '-p', '1204,2000'],
    ]);
    expect(listed.find((entry) => entry.pid === 2000)?.cwd).toBe('/Users/ana/Code/echo/apps/ceo');
    mac.calls.length = 0;
    await memory.list(vmOnly, true);
    expect(mac.calls[1]).toEqual([
      'lsof',
      '-a',
      '-d',
      'cwd',
      '-Fn',
      '-p',
      [901, 1204, 1302, 1330, 1501, 2000].join(','),
    ]);
  });

  it('asks again at the next listing when lsof did not answer, and fails the listing when ps fails', async () => {
    let lsofRuns = true;
    const calls: string[] = [];
    const runner: MacRunner = (file) => {
      calls.push(file);
      if (file === 'ps') return Promise.resolve(Buffer.from(recorded));
      if (!lsofRuns) return Promise.reject(Object.assign(new Error('spawn lsof ENOENT'), { code: 'ENOENT' }));
      return Promise.reject(
        Object.assign(new Error('lsof exited 1'), { code: 1, stdout: Buffer.from('p1204\nn/x\n') }),
      );
    };
    const memory = new MacListingMemory(runner, MAC_COMM_WIDTH);
    lsofRuns = false;
    expect((await memory.list(vmOnly)).find((entry) => entry.pid === 1204)?.cwd).toBeNull();
    lsofRuns = true;
    expect((await memory.list(vmOnly)).find((entry) => entry.pid === 1204)?.cwd).toBe('/x');
    // lsof exited 1 (a pid gone) but answered: remembered, not asked again.
    await memory.list(vmOnly);
    expect(calls).toEqual(['ps', 'lsof', 'ps', 'lsof', 'ps']);
    const failing = new MacListingMemory(() => Promise.reject(new Error('ps: timed out')));
    await expect(failing.list(vmOnly)).rejects.toThrow('ps: timed out');
  });
});

describe('parseLsofCwd', () => {
  it('maps each pid to the path of its cwd, spaces and all', () => {
    const text = [
      'p1204',
      'fcwd',
      'n/Users/ana/Code/echo/apps/cto',
      'p1302',
      'fcwd',
      'n/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/echo/apps/uiux_engineer',
      '',
    ].join('\n');
    expect(parseLsofCwd(text)).toEqual(
      new Map([
        [1204, '/Users/ana/Code/echo/apps/cto'],
        [1302, '/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/echo/apps/uiux_engineer'],
      ]),
    );
  });

  it('reads the form lsof 4.95 printed on Debian 12 for `lsof -a -d cwd -Fn -p <pid>`: no `f` line', () => {
    expect(parseLsofCwd('p11998\nn/home/ana/echo\n')).toEqual(new Map([[11998, '/home/ana/echo']]));
  });

  it('leaves out a pid that has no name line, and a name before any pid', () => {
    expect(parseLsofCwd('n/orphan/name\np901\nfcwd\np905\nfcwd\nn/Users/ana/Code/echo/apps/delegator\n')).toEqual(
      new Map([[905, '/Users/ana/Code/echo/apps/delegator']]),
    );
  });

  it('gives nothing for an empty answer (lsof found none of the pids)', () => {
    expect(parseLsofCwd('')).toEqual(new Map());
  });
});

describe.runIf(onLinux)('describeLinuxProcess', () => {
  it('gives this process with its parent, owner, arguments and cwd when asked for its details', () => {
    const self = describeLinuxProcess(process.pid, () => true);
    expect(self).toMatchObject({ pid: process.pid, ppid: process.ppid, uid: process.getuid?.(), cwd: process.cwd() });
    expect(self?.argv?.[0]).toBe(process.argv0);
    expect(self?.commandLine).toBe(self?.argv?.join(' '));
    expect(self?.executable).toEqual(expect.any(String));
  });

  it('reads only the parent and the executable of a process not asked about', () => {
    const asked: (string | null)[] = [];
    const self = describeLinuxProcess(process.pid, (executable) => (asked.push(executable), false));
    expect(self).toEqual({
      pid: process.pid,
      ppid: process.ppid,
      executable: asked[0],
      startTicks: expect.any(Number),
      uid: null,
      uids: null,
      argv: null,
      commandLine: '',
      cwd: null,
    });
  });

  it('gives null for a pid that does not run', () => {
    expect(describeLinuxProcess(2 ** 22 + 1, () => true)).toBeNull();
    expect(pidRuns(2 ** 22 + 1)).toBe(false);
    expect(pidRuns(process.pid)).toBe(true);
  });
});
