import { describe, expect, it } from 'vitest';
import {
  describeLinuxProcess,
  parseLsofCwd,
  parseMacPs,
  pidRuns,
} from '../../src/main/sources/processes/processListing';

const onLinux = process.platform === 'linux';

describe('parseMacPs', () => {
  it('reads pid, parent, owner and the accounting name of each line of `ps -axo pid=,ppid=,uid=,ucomm=`', () => {
    const text = [
      '    1     0     0 launchd',
      '  517     1   501 Electron',
      '  531   517   501 Code Helper (Plugin)',
      ' 1204  1188   501 beam.smp',
      ' 1206  1204   501 erl_child_setup',
      '12345     1   502 Claude',
      '',
    ].join('\n');
    expect(parseMacPs(text)).toEqual([
      { pid: 1, ppid: 0, uid: 0, executable: 'launchd', argv: null, commandLine: '', cwd: null },
      { pid: 517, ppid: 1, uid: 501, executable: 'Electron', argv: null, commandLine: '', cwd: null },
      { pid: 531, ppid: 517, uid: 501, executable: 'Code Helper (Plugin)', argv: null, commandLine: '', cwd: null },
      { pid: 1204, ppid: 1188, uid: 501, executable: 'beam.smp', argv: null, commandLine: '', cwd: null },
      { pid: 1206, ppid: 1204, uid: 501, executable: 'erl_child_setup', argv: null, commandLine: '', cwd: null },
      { pid: 12345, ppid: 1, uid: 502, executable: 'Claude', argv: null, commandLine: '', cwd: null },
    ]);
  });

  it('drops trailing spaces and carriage returns, and lines that are not three numbers and a name', () => {
    const text =
      '  702     1   501 redis-server   \r\n  PID  PPID   UID UCOMM\nps: illegal option\n\n  x 1 2 name\n  715     1   501 ollama\n';
    expect(parseMacPs(text).map((entry) => [entry.pid, entry.ppid, entry.uid, entry.executable])).toEqual([
      [702, 1, 501, 'redis-server'],
      [715, 1, 501, 'ollama'],
    ]);
  });

  it('gives nothing for an empty listing', () => {
    expect(parseMacPs('')).toEqual([]);
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
