import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentRoleOf, modelVariableOf } from '../../src/main/core/agentCommandLine';
import { AgentProcessScanner, type Measurement } from '../../src/main/sources/agentProcesses';
import { commandLineOf, type ListedProcess } from '../../src/main/sources/processListing';

const FIXTURES = join(import.meta.dirname, '../fixtures/process-listings');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** `ps -eo pid=,args=` and `ps -axww -o pid=,command=`: the pid, one space, the command line. */
function parsePs(text: string): ListedProcess[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^\s*(\d+) (.*)$/.exec(line);
      if (!match?.[1] || match[2] === undefined) throw new Error(`not a ps line: ${line}`);
      return { pid: Number(match[1]), commandLine: match[2] };
    });
}

/** One CSV record as PowerShell's ConvertTo-Csv writes it: quoted fields with `""` for a quote, an empty field for null. */
function csvFields(line: string): (string | null)[] {
  const fields: (string | null)[] = [];
  let at = 0;
  while (at <= line.length) {
    if (line[at] === '"') {
      let value = '';
      at += 1;
      for (;;) {
        const quote = line.indexOf('"', at);
        if (quote < 0) throw new Error(`unterminated field: ${line}`);
        value += line.slice(at, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          at = quote + 2;
        } else {
          at = quote + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', at);
      const raw = line.slice(at, comma < 0 ? line.length : comma);
      fields.push(raw === '' ? null : raw);
      at = comma < 0 ? line.length : comma;
    }
    at += 1; // the comma
  }
  return fields;
}

/** The Windows listing as `listProcesses` gives it: no pid 0, an absent command line empty. */
function parseCimCsv(text: string): ListedProcess[] {
  const [header, ...rows] = text.split('\r\n').filter((line) => line !== '');
  expect(header).toBe('"ProcessId","CommandLine"');
  return rows
    .map((row) => {
      const [pid, commandLine] = csvFields(row);
      return { pid: Number(pid), commandLine: commandLine ?? '' };
    })
    .filter((entry) => entry.pid !== 0);
}

const LISTINGS: Record<string, { entries: ListedProcess[]; agents: Record<number, string> }> = {
  'linux-ps.txt': {
    entries: parsePs(fixture('linux-ps.txt')),
    agents: { 22235: 'senior_developer', 22236: 'ceo', 22237: 'product_manager', 22530: 'senior_developer' },
  },
  'macos-ps.txt': {
    entries: parsePs(fixture('macos-ps.txt')),
    agents: { 1204: 'cto', 1211: 'senior_architect', 1230: 'senior_developer', 1247: 'senior_developer', 1302: 'uiux_engineer' },
  },
  'windows-cim.csv': {
    entries: parseCimCsv(fixture('windows-cim.csv')),
    agents: { 7152: 'senior_developer', 7216: 'test_lead', 7304: 'operations_head' },
  },
};

describe('agentRoleOf', () => {
  it.each(Object.entries(LISTINGS))('finds exactly the agents of %s', (_name, { entries, agents }) => {
    const found = Object.fromEntries(entries.flatMap(({ pid, commandLine }) => {
      const role = agentRoleOf(commandLine);
      return role === null ? [] : [[pid, role]];
    }));
    expect(found).toEqual(agents);
  });

  it.each([
    ['the brief’s macOS VM', '/usr/local/lib/erlang/erts-14.2/bin/beam.smp -- -root /usr/local/lib/erlang -bindir /usr/local/lib/erlang/erts-14.2/bin -progname erl -- -home /Users/ana -- -noshell -noinput -escript main ceo -run escript start -extra /Users/ana/echo/apps/ceo/ceo --autonomous', 'ceo'],
    ['Windows backslashes', '"C:\\Program Files\\Erlang OTP\\erts-15.0\\bin\\erl.exe" -noshell -extra C:\\Users\\ana\\echo\\apps\\senior_developer\\senior_developer --autonomous', 'senior_developer'],
    ['a quoted root with spaces', '"C:\\Program Files\\Erlang OTP\\erts-15.0\\bin\\erl.exe" -extra "C:\\Users\\Ana Lima\\echo\\apps\\test_lead\\test_lead" --autonomous', 'test_lead'],
    ['an unquoted root with spaces', '/usr/bin/node /tmp/echo root-x1/apps/cto/cto --autonomous', 'cto'],
    ['mixed separators', 'erl.exe -extra C:\\echo\\apps\\chro/chro --autonomous', 'chro'],
    ['a quoted flag', 'erl.exe -extra C:\\echo\\apps\\chro\\chro "--autonomous"', 'chro'],
    ['arguments after the flag', '/x/apps/ceo/ceo --autonomous --verbose', 'ceo'],
    ['a relative path', 'apps/ceo/ceo --autonomous', 'ceo'],
    ['a role ECHO may add', '/x/apps/qa_lead2/qa_lead2 --autonomous', 'qa_lead2'],
  ])('reads %s', (_what, commandLine, role) => {
    expect(agentRoleOf(commandLine)).toBe(role);
  });

  it.each([
    ['another role’s file in the folder', '/x/apps/ceo/cto --autonomous'],
    ['a longer flag', '/x/apps/ceo/ceo --autonomously'],
    ['a flag with a value', '/x/apps/ceo/ceo --autonomous=true'],
    ['a flag glued to something', '/x/apps/ceo/ceo x--autonomous'],
    ['no flag', '/x/apps/ceo/ceo'],
    ['the flag before the path', 'grep --autonomous /x/apps/ceo/ceo'],
    ['a folder that only ends in apps', '/x/myapps/ceo/ceo --autonomous'],
    ['a file beside the script', '/x/apps/ceo/ceo.log --autonomous'],
    ['a path below the script', '/x/apps/ceo/ceo/priv --autonomous'],
    ['an upper-case role', '/x/apps/CEO/CEO --autonomous'],
    ['a role with a hyphen', '/x/apps/senior-developer/senior-developer --autonomous'],
    ['the Windows launcher that waits on the VM', '"C:\\Program Files\\Erlang OTP\\bin\\escript.exe" C:\\echo\\apps\\ceo\\ceo --autonomous'],
    ['an escript launcher anywhere', '/usr/bin/escript /x/apps/ceo/ceo --autonomous'],
    ['nothing', ''],
  ])('rejects %s', (_what, commandLine) => {
    expect(agentRoleOf(commandLine)).toBeNull();
  });
});

describe('modelVariableOf', () => {
  it('upper-cases the role as the delegator does', () => {
    expect(modelVariableOf('senior_developer')).toBe('SENIOR_DEVELOPER_MODEL');
    expect(modelVariableOf('ceo')).toBe('CEO_MODEL');
  });
});

describe('commandLineOf', () => {
  it('gives back, from systeminformation’s fields, the line ps showed for each process at the same minute', () => {
    const parsed = JSON.parse(fixture('linux-systeminformation.json')) as { pid: number; command: string; params: string; path: string }[];
    const ps = new Map(parsePs(fixture('linux-ps.txt')).map((entry) => [entry.pid, entry.commandLine]));
    expect(parsed.length).toBeGreaterThan(10);
    for (const entry of parsed) {
      // Kernel threads have no command line; ps shows their name in brackets, which systeminformation drops.
      const line = ps.get(entry.pid)?.replace(/^\[(.*)\]$/, '$1');
      expect([entry.pid, commandLineOf(entry, 'linux')]).toEqual([entry.pid, line]);
    }
  });

  it('joins folder, program and arguments on macOS, whose ps line systeminformation splits the same way', () => {
    const entry = { path: '/usr/local/lib/erlang/erts-14.2/bin', command: 'beam.smp', params: '-- -root /usr/local/lib/erlang -extra /Users/ana/echo/apps/ceo/ceo --autonomous' };
    expect(commandLineOf(entry, 'darwin')).toBe('/usr/local/lib/erlang/erts-14.2/bin/beam.smp -- -root /usr/local/lib/erlang -extra /Users/ana/echo/apps/ceo/ceo --autonomous');
    expect(commandLineOf({ command: 'erl_child_setup 256', path: '', params: '' }, 'darwin')).toBe('erl_child_setup 256');
  });

  it('takes Windows’ CommandLine as it is, without the executable path beside it', () => {
    const commandLine = '"C:\\Program Files\\Erlang OTP\\erts-15.0\\bin\\erl.exe" -extra C:\\echo\\apps\\ceo\\ceo --autonomous';
    expect(commandLineOf({ command: commandLine, path: 'C:\\Program Files\\Erlang OTP\\erts-15.0\\bin\\erl.exe', params: '' }, 'win32')).toBe(commandLine);
  });

  it('has none for an entry without a command', () => {
    expect(commandLineOf({ command: undefined, path: '/usr/bin', params: '-x' }, 'linux')).toBeNull();
    expect(commandLineOf({ command: null }, 'win32')).toBeNull();
  });
});

/** A machine's processes as a scanner sees them through its injected `list` and `measure`. */
class FakeMachine {
  readonly processes = new Map<number, { commandLine: string; startedAt: number; cpuPercent: number; rssBytes: number }>();
  listCalls = 0;
  measureCalls: number[][] = [];

  run(pid: number, commandLine: string, startedAt = 1_000): void {
    this.processes.set(pid, { commandLine, startedAt, cpuPercent: 12.5, rssBytes: 300_000_000 });
  }

  list = (): Promise<ListedProcess[]> => {
    this.listCalls += 1;
    return Promise.resolve([...this.processes].map(([pid, { commandLine }]) => ({ pid, commandLine })));
  };

  measure = (pids: readonly number[]): Promise<Map<number, Measurement>> => {
    this.measureCalls.push([...pids]);
    return Promise.resolve(
      new Map(pids.flatMap((pid) => {
        const found = this.processes.get(pid);
        return found ? [[pid, { cpuPercent: found.cpuPercent, rssBytes: found.rssBytes, startedAt: found.startedAt }] as const] : [];
      })),
    );
  };
}

const agentLine = (role: string): string => `/opt/erlang/erts-15.1/bin/beam.smp -- -noshell -escript main ${role} -run escript start -extra /home/ana/echo/apps/${role}/${role} --autonomous`;

function scannerOn(machine: FakeMachine, options: { listEvery?: number; readModel?: (pid: number, role: string) => Promise<string | null> } = {}): AgentProcessScanner {
  return new AgentProcessScanner({
    list: machine.list,
    measure: machine.measure,
    readModel: options.readModel ?? ((pid, role) => Promise.resolve(`${role}-model-${pid}`)),
    ...(options.listEvery === undefined ? {} : { listEvery: options.listEvery }),
  });
}

const pidsOf = (agents: readonly { pid: number }[]): number[] => agents.map((agent) => agent.pid);

describe('AgentProcessScanner over recorded listings', () => {
  it.each(Object.entries(LISTINGS))('reports the agents of %s, both of a role when two run, and no lookalike', async (_name, { entries, agents }) => {
    const measure = (pids: readonly number[]): Promise<Map<number, Measurement>> =>
      Promise.resolve(new Map(pids.map((pid) => [pid, { cpuPercent: 3, rssBytes: 50_000_000, startedAt: 1_700_000_000_000 }])));
    const scanner = new AgentProcessScanner({ list: () => Promise.resolve(entries), measure, readModel: (pid) => Promise.resolve(`model-${pid}`) });

    const first = await scanner.scan();
    expect(first.dropped).toEqual([]);
    expect(Object.fromEntries(first.value.map((agent) => [agent.pid, agent.role]))).toEqual(agents);
    for (const agent of first.value) {
      expect(agent).toEqual({ pid: agent.pid, role: agent.role, model: `model-${agent.pid}`, rssBytes: 50_000_000, cpuPercent: null, startedAt: 1_700_000_000_000 });
    }
    expect((await scanner.scan()).value.map((agent) => agent.cpuPercent)).toEqual(first.value.map(() => 3));
  });
});

describe('AgentProcessScanner', () => {
  it('lists on the first scan, then every listEvery scans, and measures the known pids on every scan', async () => {
    const machine = new FakeMachine();
    machine.run(501, agentLine('ceo'));
    const scanner = scannerOn(machine, { listEvery: 3 });
    for (let scan = 0; scan < 7; scan += 1) expect(pidsOf((await scanner.scan()).value)).toEqual([501]);
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

  it('finds an agent started between listings with the next listing, which runs beside a poll and counts at the one after', async () => {
    const machine = new FakeMachine();
    const scanner = scannerOn(machine, { listEvery: 2 });
    expect((await scanner.scan()).value).toEqual([]);
    machine.run(502, agentLine('cto'));
    expect((await scanner.scan()).value).toEqual([]);
    // The turn's listing runs beside this poll, which does not wait for it.
    expect((await scanner.scan()).value).toEqual([]);
    expect(pidsOf((await scanner.scan()).value)).toEqual([502]);
  });

  it('drops a pid that exited and lists at once, finding the agent that replaced it', async () => {
    const machine = new FakeMachine();
    machine.run(510, agentLine('senior_developer'));
    machine.run(511, agentLine('test_lead'));
    const scanner = scannerOn(machine, { listEvery: 100 });
    expect(pidsOf((await scanner.scan()).value)).toEqual([510, 511]);
    machine.processes.delete(510);
    machine.run(512, agentLine('senior_developer'), 9_000);
    const next = await scanner.scan();
    expect(next.value.map((agent) => [agent.pid, agent.role, agent.cpuPercent])).toEqual([
      [512, 'senior_developer', null],
      [511, 'test_lead', 12.5],
    ]);
    expect(machine.listCalls).toBe(2);
  });

  it('treats a pid now carrying another start time as another process', async () => {
    const machine = new FakeMachine();
    machine.run(520, agentLine('ceo'), 1_000);
    const models: number[] = [];
    const scanner = scannerOn(machine, { listEvery: 100, readModel: (pid, role) => (models.push(pid), Promise.resolve(`${role}-model`)) });
    await scanner.scan();
    await scanner.scan();
    // The ceo exited and pid 520 went to a new cto agent.
    machine.run(520, agentLine('cto'), 60_000);
    const after = await scanner.scan();
    expect(after.value).toEqual([{ pid: 520, role: 'cto', model: 'cto-model', rssBytes: 300_000_000, cpuPercent: null, startedAt: 60_000 }]);
    expect(models).toEqual([520, 520]);
    expect(machine.listCalls).toBe(2);
  });

  it('stops reporting a known pid that a listing no longer shows as an agent', async () => {
    const machine = new FakeMachine();
    machine.run(530, agentLine('chro'));
    const scanner = scannerOn(machine, { listEvery: 1 });
    expect(pidsOf((await scanner.scan()).value)).toEqual([530]);
    machine.run(530, '/usr/bin/vim /home/ana/echo/apps/chro/chro.ex');
    // The listing that shows it runs beside this poll; the next one takes it in.
    expect(pidsOf((await scanner.scan()).value)).toEqual([530]);
    expect((await scanner.scan()).value).toEqual([]);
  });

  it('reads each pid’s model once, and a model it cannot read is null', async () => {
    const machine = new FakeMachine();
    machine.run(540, agentLine('ceo'));
    machine.run(541, agentLine('cto'));
    machine.run(542, agentLine('chro'));
    const asked: number[] = [];
    const readModel = (pid: number): Promise<string | null> => {
      asked.push(pid);
      if (pid === 541) return Promise.reject(new Error('EACCES: permission denied'));
      if (pid === 542) throw new Error('thrown, not rejected');
      return Promise.resolve('qwen2.5:14b');
    };
    const scanner = scannerOn(machine, { listEvery: 1, readModel });
    for (let scan = 0; scan < 3; scan += 1) {
      expect((await scanner.scan()).value.map((agent) => [agent.role, agent.model])).toEqual([
        ['ceo', 'qwen2.5:14b'],
        ['chro', null],
        ['cto', null],
      ]);
    }
    expect(asked.sort()).toEqual([540, 541, 542]);
  });

  it('gives the CPU from the second measurement of a pid on', async () => {
    const machine = new FakeMachine();
    machine.run(550, agentLine('ceo'));
    const scanner = scannerOn(machine);
    expect((await scanner.scan()).value[0]?.cpuPercent).toBeNull();
    expect((await scanner.scan()).value[0]?.cpuPercent).toBe(12.5);
  });

  it('drops malformed listing entries with a reason each and still finds the agents', async () => {
    const entries: unknown[] = [
      { pid: 0, commandLine: agentLine('ceo') },
      { pid: -4, commandLine: agentLine('ceo') },
      { pid: 4.5, commandLine: agentLine('ceo') },
      { pid: '4242', commandLine: agentLine('ceo') },
      { pid: 4243, commandLine: null },
      null,
      'pid 4244',
      { pid: 4245, commandLine: agentLine('cto') },
    ];
    const measure = (pids: readonly number[]): Promise<Map<number, Measurement>> =>
      Promise.resolve(new Map(pids.map((pid) => [pid, { cpuPercent: 0, rssBytes: 1, startedAt: 1 }])));
    const scanner = new AgentProcessScanner({ list: () => Promise.resolve(entries), measure, readModel: () => Promise.resolve(null) });
    const { value, dropped } = await scanner.scan();
    expect(pidsOf(value)).toEqual([4245]);
    expect(dropped).toHaveLength(7);
    expect(dropped[0]).toMatch(/^process listing entry 1: pid: /);
    expect(dropped[3]).toMatch(/^process listing entry 4: pid: /);
    expect(dropped[4]).toMatch(/^process listing entry 5: commandLine: /);
    expect(dropped[5]).toMatch(/^process listing entry 6: /);
    for (const reason of dropped) expect(reason).not.toContain('\n');
  });

  it('keeps listing on every scan after a listing failed, until one succeeds', async () => {
    const machine = new FakeMachine();
    machine.run(570, agentLine('ceo'));
    machine.run(571, agentLine('cto'));
    let fail = false;
    const list = (): Promise<ListedProcess[]> => (fail ? Promise.reject(new Error('powershell timed out')) : machine.list());
    const scanner = new AgentProcessScanner({ list, measure: machine.measure, readModel: () => Promise.resolve(null), listEvery: 100 });
    expect(pidsOf((await scanner.scan()).value)).toEqual([570, 571]);
    machine.processes.delete(570);
    machine.run(572, agentLine('ceo'));
    fail = true;
    await expect(scanner.scan()).rejects.toThrow('powershell timed out');
    fail = false;
    expect(pidsOf((await scanner.scan()).value)).toEqual([572, 571]);
  });

  it('answers a scan asked for while one runs with that one', async () => {
    const machine = new FakeMachine();
    machine.run(580, agentLine('ceo'));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const list = async (): Promise<ListedProcess[]> => {
      await gate;
      return machine.list();
    };
    const scanner = new AgentProcessScanner({ list, measure: machine.measure, readModel: () => Promise.resolve(null) });
    const first = scanner.scan();
    const second = scanner.scan();
    release();
    expect(await second).toBe(await first);
    expect(machine.listCalls).toBe(1);
    expect(pidsOf((await scanner.scan()).value)).toEqual([580]);
  });

  it('fails the scan when the listing fails, and lists again on the next', async () => {
    const machine = new FakeMachine();
    machine.run(560, agentLine('ceo'));
    let fail = true;
    const list = (): Promise<ListedProcess[]> => (fail ? Promise.reject(new Error('ps: command not found')) : machine.list());
    const scanner = new AgentProcessScanner({ list, measure: machine.measure, readModel: () => Promise.resolve(null) });
    await expect(scanner.scan()).rejects.toThrow('ps: command not found');
    fail = false;
    expect(pidsOf((await scanner.scan()).value)).toEqual([560]);
  });
});
