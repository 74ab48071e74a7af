import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { psLines } from '../support/psLines';
import {
  classifyEchoProcess,
  ERLANG_VM_EXECUTABLES,
  executableIn,
  modelVariableOf,
  sameRoot,
  type EchoProcess,
  type LaunchForm,
  type ProcessFacts,
} from '../../src/main/core/echoProcess';

const FIXTURES = join(import.meta.dirname, '../fixtures/process-listings');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const ROOT = '/home/ana/echo';
const SPACED = '/home/ana/my echo';

/** What the VM is given between an escript's path and the script's own arguments, as recorded on Debian 12 (OTP 25). */
const ESCRIPT_VM_ARGUMENTS = [
  '-B',
  '--',
  '-root',
  '/usr/lib/erlang',
  '-bindir',
  '/usr/lib/erlang/erts-13.1.5/bin',
  '-progname',
  'erl',
  '--',
  '-home',
  '/root',
  '--',
  '-boot',
  'no_dot_erlang',
  '-noshell',
  '-noshell',
  '-noinput',
  '-run',
  'escript',
  'start',
  '-extra',
];

/**
 * The VM running an escript: argv[0] is the script as launched, then the VM's arguments, the script again and its own
 * arguments.
 */
const escriptArgv = (script: string, args: readonly string[] = []): string[] => [
  script,
  ...ESCRIPT_VM_ARGUMENTS,
  script,
  ...args,
];

/** `mix run --no-halt` as recorded: the emulator's own path first, what `mix` was given after `-extra`. */
const mixArgv = (task: readonly string[] = ['run', '--no-halt']): string[] => [
  '/usr/lib/erlang/erts-13.1.5/bin/beam.smp',
  '--',
  '-root',
  '/usr/lib/erlang',
  '-bindir',
  '/usr/lib/erlang/erts-13.1.5/bin',
  '-progname',
  'erl',
  '--',
  '-home',
  '/root',
  '--',
  '-noshell',
  '-eval',
  'timer:sleep(infinity)',
  '-extra',
  '/usr/bin/mix',
  ...task,
];

/** A process as Linux gives it: its comm, its exact arguments and its working directory. */
function linux(executable: string, argv: readonly string[], cwd: string | null = null): ProcessFacts {
  return { executable, argv, commandLine: argv.join(' '), cwd };
}

/** A process as macOS and Windows give it: its executable and the printed line, no exact arguments. */
function printed(executable: string | null, commandLine: string, cwd: string | null = null): ProcessFacts {
  return { executable, argv: null, commandLine, cwd };
}

/** The same process as macOS prints it: the arguments joined by spaces. */
const asPrinted = (facts: ProcessFacts): ProcessFacts => ({ ...facts, argv: null });

const beam = (argv: readonly string[], cwd: string | null = null): ProcessFacts => linux('beam.smp', argv, cwd);

const agent = (role: string, root: string | null, form: LaunchForm = 'autonomous'): EchoProcess => ({
  kind: 'agent',
  role,
  root,
  form,
});
const delegator = (root: string | null, form: LaunchForm = 'mcp'): EchoProcess => ({
  kind: 'delegator',
  role: 'delegator',
  root,
  form,
});

type Row = readonly [what: string, facts: ProcessFacts, expected: EchoProcess | null];

/** The forms recorded on Debian 12 with OTP 25, and ECHO's other launch forms built the same way. */
const RECORDED_FORMS: readonly Row[] = [
  [
    '`cd apps/cto && ./cto --autonomous`',
    beam(escriptArgv('./cto', ['--autonomous']), `${ROOT}/apps/cto`),
    agent('cto', ROOT),
  ],
  [
    '`tail -f /dev/null | nohup <root>/agents/ceo/ceo` (MCP form, no flag)',
    beam(escriptArgv(`${ROOT}/agents/ceo/ceo`), ROOT),
    agent('ceo', ROOT, 'mcp'),
  ],
  [
    'the VM under `timeout 60 <root>/apps/test_lead/test_lead --autonomous`',
    beam(escriptArgv(`${ROOT}/apps/test_lead/test_lead`, ['--autonomous']), ROOT),
    agent('test_lead', ROOT),
  ],
  ['`mix run --no-halt` in <root>/apps/cto', beam(mixArgv(), `${ROOT}/apps/cto`), agent('cto', ROOT, 'mix')],
  [
    '`mix run --no-halt` in <root>/apps/cto/, with a trailing slash',
    beam(mixArgv(), `${ROOT}/apps/cto/`),
    agent('cto', ROOT, 'mix'),
  ],
  [
    'the delegator under Claude Desktop (cwd /)',
    beam(escriptArgv(`${ROOT}/apps/delegator/delegator`), '/'),
    delegator(ROOT),
  ],
  [
    'the delegator by `mix run` in <root>/apps/delegator',
    beam(mixArgv(), `${ROOT}/apps/delegator`),
    delegator(ROOT, 'mix'),
  ],
  [
    'an agent the delegator would spawn (absolute path, cwd /)',
    beam(escriptArgv(`${ROOT}/apps/senior_developer/senior_developer`, ['--autonomous']), '/'),
    agent('senior_developer', ROOT),
  ],
  [
    '`./cto --autonomous` under a root with a space',
    beam(escriptArgv('./cto', ['--autonomous']), `${SPACED}/apps/cto`),
    agent('cto', SPACED),
  ],
  [
    'the MCP form under a root with a space',
    beam(escriptArgv(`${SPACED}/agents/ceo/ceo`), SPACED),
    agent('ceo', SPACED, 'mcp'),
  ],
  [
    'the VM under `timeout` under a root with a space',
    beam(escriptArgv(`${SPACED}/apps/test_lead/test_lead`, ['--autonomous']), '/tmp'),
    agent('test_lead', SPACED),
  ],
  ['`mix run` under a root with a space', beam(mixArgv(), `${SPACED}/apps/chro`), agent('chro', SPACED, 'mix')],
  [
    'a path with `..` relative to the cwd',
    beam(escriptArgv('../cto/cto', ['--autonomous']), `${ROOT}/apps/ceo`),
    agent('cto', ROOT),
  ],
  [
    'an absolute path with `..`',
    beam(escriptArgv(`${ROOT}/bin/../apps/cto/cto`, ['--autonomous']), '/'),
    agent('cto', ROOT),
  ],
  [
    '`apps/ceo/ceo` relative to the root',
    beam(escriptArgv('apps/ceo/ceo', ['--autonomous']), ROOT),
    agent('ceo', ROOT),
  ],
  ['a root at /', beam(escriptArgv('/apps/cto/cto', ['--autonomous']), '/'), agent('cto', '/')],
  [
    'a role ECHO may add',
    beam(escriptArgv(`${ROOT}/apps/qa_lead2/qa_lead2`, ['--autonomous']), ROOT),
    agent('qa_lead2', ROOT),
  ],
  [
    'arguments after the flag',
    beam(escriptArgv(`${ROOT}/apps/ceo/ceo`, ['--autonomous', '--verbose']), ROOT),
    agent('ceo', ROOT),
  ],
  // ECHO's CLI matches ["--autonomous" | _]: a flag after another argument leaves the agent in MCP mode.
  [
    'the flag after another argument',
    beam(escriptArgv(`${ROOT}/apps/ceo/ceo`, ['--verbose', '--autonomous']), ROOT),
    agent('ceo', ROOT, 'mcp'),
  ],
];

describe('classifyEchoProcess', () => {
  describe('the launch forms, with the exact arguments (Linux)', () => {
    it.each(RECORDED_FORMS)('%s', (_what, facts, expected) => {
      expect(classifyEchoProcess(facts)).toEqual(expected);
    });
  });

  describe('the same launch forms, as text only (as macOS prints them)', () => {
    it.each(RECORDED_FORMS)('%s', (_what, facts, expected) => {
      expect(classifyEchoProcess(asPrinted(facts))).toEqual(expected);
    });

    it.each([
      [
        'an installer’s VM, its emulator path first',
        printed(
          'beam.smp',
          `/usr/local/lib/erlang/erts-14.2/bin/beam.smp -- -root /usr/local/lib/erlang -bindir /usr/local/lib/erlang/erts-14.2/bin -progname erl -- -home /Users/ana -- -noshell -noinput -escript main ceo -run escript start -extra /Users/ana/echo/apps/ceo/ceo --autonomous`,
        ),
        agent('ceo', '/Users/ana/echo'),
      ],
      [
        'a root with spaces, printed unquoted',
        printed(
          'beam.smp',
          '/usr/local/lib/erlang/erts-14.2/bin/beam.smp -- -root /usr/local/lib/erlang -extra /Users/ana/Library/Mobile Documents/com~apple~CloudDocs/echo/apps/uiux_engineer/uiux_engineer --autonomous',
        ),
        agent('uiux_engineer', '/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/echo'),
      ],
      [
        'a root with spaces, the MCP form',
        printed('beam.smp', `${SPACED}/agents/cto/cto -B -- -root /usr/lib/erlang -extra ${SPACED}/agents/cto/cto`),
        agent('cto', SPACED, 'mcp'),
      ],
      [
        'separators that are not single spaces',
        printed('beam.smp', `beam.smp -- -extra   ${ROOT}/apps/ceo/ceo    --autonomous  `),
        agent('ceo', ROOT),
      ],
    ])('%s', (_what, facts, expected) => {
      expect(classifyEchoProcess(facts)).toEqual(expected);
    });
  });

  describe('relative paths', () => {
    it.each([
      ['`./cto` with its cwd', beam(escriptArgv('./cto', ['--autonomous']), `${ROOT}/apps/cto`), agent('cto', ROOT)],
      [
        '`./cto` without a cwd: the path alone says nothing of ECHO',
        beam(escriptArgv('./cto', ['--autonomous'])),
        null,
      ],
      [
        '`./apps/ceo/ceo` without a cwd: an agent whose root cannot be told',
        beam(escriptArgv('./apps/ceo/ceo', ['--autonomous'])),
        agent('ceo', null),
      ],
      ['`../echo/apps/ceo/ceo` without a cwd', beam(escriptArgv('../echo/apps/ceo/ceo')), agent('ceo', null, 'mcp')],
      [
        '`apps/ceo/ceo` with the root as cwd',
        beam(escriptArgv('apps/ceo/ceo', ['--autonomous']), ROOT),
        agent('ceo', ROOT),
      ],
      [
        '`./cto` in a cwd with a space',
        beam(escriptArgv('./cto', ['--autonomous']), `${SPACED}/apps/cto`),
        agent('cto', SPACED),
      ],
      [
        '`./cto` in a folder that is no app of ECHO',
        beam(escriptArgv('./cto', ['--autonomous']), '/home/ana/bin'),
        null,
      ],
    ])('%s', (_what, facts, expected) => {
      expect(classifyEchoProcess(facts)).toEqual(expected);
      expect(classifyEchoProcess(asPrinted(facts))).toEqual(expected);
    });

    // `./apps/ceo/ceo` without a cwd is an agent of an unknown root (above); the same path without `./` should be too.
    it('takes `apps/ceo/ceo` without a cwd for an agent whose root cannot be told, as it does `./apps/ceo/ceo`', () => {
      const facts = beam(escriptArgv('apps/ceo/ceo', ['--autonomous']));
      expect(classifyEchoProcess(facts)).toEqual(agent('ceo', null));
      expect(classifyEchoProcess(asPrinted(facts))).toEqual(agent('ceo', null));
    });
  });

  describe('Windows (text only, no cwd)', () => {
    const ERL = '"C:\\Program Files\\Erlang OTP\\erts-15.0\\bin\\erl.exe" +B -boot start_clean -noshell';
    it.each([
      [
        'a quoted root with spaces',
        printed(
          'erl.exe',
          `${ERL} -escript main test_lead -run escript start -extra "C:\\Users\\Ana Lima\\echo\\apps\\test_lead\\test_lead" --autonomous`,
        ),
        agent('test_lead', 'C:\\Users\\Ana Lima\\echo'),
      ],
      [
        'backslashes',
        printed('erl.exe', `${ERL} -extra C:\\Users\\ana\\echo\\apps\\senior_developer\\senior_developer --autonomous`),
        agent('senior_developer', 'C:\\Users\\ana\\echo'),
      ],
      [
        'forward slashes',
        printed('erl.exe', `${ERL} -extra C:/Users/ana/echo/apps/operations_head/operations_head --autonomous`),
        agent('operations_head', 'C:\\Users\\ana\\echo'),
      ],
      [
        'mixed separators',
        printed('erl.exe', 'erl.exe -extra C:\\echo\\apps\\chro/chro --autonomous'),
        agent('chro', 'C:\\echo'),
      ],
      [
        'the MCP form of Claude Desktop’s config',
        printed('erl.exe', `${ERL} -extra "C:\\Users\\Ana Lima\\echo\\agents\\ceo\\ceo"`),
        agent('ceo', 'C:\\Users\\Ana Lima\\echo', 'mcp'),
      ],
      [
        '`werl.exe`',
        printed(
          'werl.exe',
          '"C:\\Program Files\\Erlang OTP\\bin\\werl.exe" -extra C:\\echo\\apps\\cto\\cto --autonomous',
        ),
        agent('cto', 'C:\\echo'),
      ],
      [
        'the Name in capitals',
        printed('ERL.EXE', 'ERL.EXE -extra C:\\echo\\apps\\cto\\cto --autonomous'),
        agent('cto', 'C:\\echo'),
      ],
      [
        'the delegator',
        printed('erl.exe', `${ERL} -extra C:\\echo\\apps\\delegator\\delegator`),
        delegator('C:\\echo'),
      ],
      [
        '`.\\apps\\chro\\chro` relative, with no cwd to resolve it',
        printed('erl.exe', 'erl.exe -extra .\\apps\\chro\\chro --autonomous'),
        agent('chro', null),
      ],
      [
        '`mix run` without the cwd Windows does not give',
        printed('erl.exe', `${ERL} -s elixir start_cli -extra "C:\\Program Files\\Elixir\\bin\\mix" run --no-halt`),
        null,
      ],
      [
        '`mix.bat run` in an app, were its cwd known',
        printed(
          'erl.exe',
          `${ERL} -extra "C:\\Program Files\\Elixir\\bin\\mix.bat" run --no-halt`,
          'C:\\echo\\apps\\cto',
        ),
        agent('cto', 'C:\\echo', 'mix'),
      ],
      // OTP's escript.c starts erl.exe and waits for it: the launcher holds no agent.
      [
        'the `escript.exe` launcher',
        printed(
          'escript.exe',
          '"C:\\Program Files\\Erlang OTP\\bin\\escript.exe" C:\\echo\\apps\\ceo\\ceo --autonomous',
        ),
        null,
      ],
      [
        'the `escript.exe` launcher of a quoted path',
        printed(
          'escript.exe',
          '"C:\\Program Files\\Erlang OTP\\bin\\escript.exe" "C:\\Users\\Ana Lima\\echo\\apps\\test_lead\\test_lead" --autonomous',
        ),
        null,
      ],
      [
        'Notepad with the script open',
        printed('notepad.exe', '"C:\\WINDOWS\\system32\\notepad.exe" C:\\echo\\apps\\ceo\\ceo'),
        null,
      ],
    ])('%s', (_what, facts, expected) => {
      expect(classifyEchoProcess(facts)).toEqual(expected);
    });

    it('keeps the two leading backslashes of a root on a network share, so it is the root configured', () => {
      const found = classifyEchoProcess(
        printed('erl.exe', 'erl.exe -extra "\\\\nas\\team share\\echo\\apps\\cto\\cto" --autonomous'),
      );
      expect(found).toEqual(agent('cto', '\\\\nas\\team share\\echo'));
      expect(found?.root != null && sameRoot(found.root, '\\\\nas\\team share\\echo')).toBe(true);
    });

    // Windows passes `"--autonomous"` to the program as `--autonomous`; launchers quote bare words (the recorded
    // RabbitMQ line does).
    it('reads a quoted `"--autonomous"` as the flag, as Windows hands it to the program', () => {
      expect(
        classifyEchoProcess(printed('erl.exe', 'erl.exe -extra C:\\echo\\apps\\chro\\chro "--autonomous"')),
      ).toEqual(agent('chro', 'C:\\echo'));
    });
  });

  describe('lookalikes', () => {
    const LOOKALIKES: readonly Row[] = [
      ['another role’s file in the folder', beam(escriptArgv(`${ROOT}/apps/ceo/cto`, ['--autonomous'])), null],
      ['another role’s file in agents/', beam(escriptArgv(`${ROOT}/agents/ceo/cto`)), null],
      ['a folder that only ends in apps', beam(escriptArgv('/x/myapps/ceo/ceo', ['--autonomous'])), null],
      ['a file beside the script', beam(escriptArgv('/x/apps/ceo/ceo.log', ['--autonomous'])), null],
      ['a path below the script', beam(escriptArgv('/x/apps/ceo/ceo/priv', ['--autonomous'])), null],
      ['an upper-case role', beam(escriptArgv('/x/apps/CEO/CEO', ['--autonomous'])), null],
      ['a role with a hyphen', beam(escriptArgv('/x/apps/senior-developer/senior-developer', ['--autonomous'])), null],
      [
        'a VM with no -extra',
        beam([
          '/usr/lib/erlang/erts-13.1.5/bin/beam.smp',
          '--',
          '-root',
          '/usr/lib/erlang',
          '--',
          '-noshell',
          '-s',
          'observer',
        ]),
        null,
      ],
      ['a VM with nothing after -extra', beam([...mixArgv([]).slice(0, -1)]), null],
      ['a VM that gives nothing at all', linux('beam.smp', []), null],
      // The role is an agent in MCP form: only an exact `--autonomous` argument makes it autonomous.
      ['a longer flag', beam(escriptArgv('/x/apps/ceo/ceo', ['--autonomously'])), agent('ceo', '/x', 'mcp')],
      ['a flag with a value', beam(escriptArgv('/x/apps/ceo/ceo', ['--autonomous=true'])), agent('ceo', '/x', 'mcp')],
      ['a flag glued to something', beam(escriptArgv('/x/apps/ceo/ceo', ['x--autonomous'])), agent('ceo', '/x', 'mcp')],
      ['no flag', beam(escriptArgv('/x/apps/ceo/ceo')), agent('ceo', '/x', 'mcp')],
      [
        '`mix test` in an app',
        beam(mixArgv(['test', 'apps/product_manager/test', '--autonomous']), `${ROOT}/apps/product_manager`),
        null,
      ],
    ];

    it.each(LOOKALIKES)('%s, with the exact arguments', (_what, facts, expected) => {
      expect(classifyEchoProcess(facts)).toEqual(expected);
    });

    it.each(LOOKALIKES)('%s, as text only', (_what, facts, expected) => {
      expect(classifyEchoProcess(asPrinted(facts))).toEqual(expected);
    });

    it('does not take a VM whose first plain argument is a flag, with the exact arguments', () => {
      expect(classifyEchoProcess(beam(escriptArgv('--autonomous', [`${ROOT}/apps/ceo/ceo`])))).toBeNull();
      expect(
        classifyEchoProcess(
          beam([
            '/usr/lib/erlang/erts-13.1.5/bin/beam.smp',
            '--',
            '-noshell',
            '-s',
            'elixir',
            'start_cli',
            '-extra',
            '-e',
            'IO.puts(1)',
            `${ROOT}/apps/ceo/ceo`,
          ]),
        ),
      ).toBeNull();
    });

    // The script is the first plain argument; an agent's path further on is an argument of another program.
    it('does not take a VM whose first plain argument is a flag, as text only', () => {
      expect(
        classifyEchoProcess(
          printed('beam.smp', `beam.smp -- -root /usr/lib/erlang -extra --autonomous ${ROOT}/apps/ceo/ceo`),
        ),
      ).toBeNull();
      expect(
        classifyEchoProcess(
          printed('beam.smp', `beam.smp -- -noshell -s elixir start_cli -extra -e IO.puts(1) ${ROOT}/apps/ceo/ceo`),
        ),
      ).toBeNull();
    });
  });

  describe('`mix` away from an app of ECHO', () => {
    it.each([
      ['in another project', '/home/ana/blog'],
      ['in apps/ itself', `${ROOT}/apps`],
      ['below an app', `${ROOT}/apps/cto/lib`],
      ['in an app whose name is no role', `${ROOT}/apps/Web-UI`],
      ['with no cwd to read', null],
    ])('is nothing %s', (_what, cwd) => {
      expect(classifyEchoProcess(beam(mixArgv(), cwd))).toBeNull();
      expect(classifyEchoProcess(asPrinted(beam(mixArgv(), cwd)))).toBeNull();
    });
  });

  describe('wrappers, whose executable is no VM', () => {
    const script = `${ROOT}/apps/test_lead/test_lead`;
    it.each([
      ['timeout', linux('timeout', ['timeout', '60', script, '--autonomous'], ROOT)],
      [
        'a restart loop in bash',
        linux('bash', ['bash', '-c', `while true; do "${ROOT}/apps/cto/cto" --autonomous; sleep 5; done`], ROOT),
      ],
      ['tail feeding the MCP form', linux('tail', ['tail', '-f', '/dev/null'], ROOT)],
      ['tail of the script itself', linux('tail', ['tail', '-f', `${ROOT}/apps/ceo/ceo`], ROOT)],
      [
        'the shell that runs nohup',
        linux('sh', ['sh', '-c', `tail -f /dev/null | nohup "${ROOT}/apps/ceo/ceo"`], ROOT),
      ],
      ['nohup before it runs the script', linux('nohup', ['nohup', `${ROOT}/apps/ceo/ceo`], ROOT)],
      ['escript before it becomes the VM', linux('escript', ['/usr/bin/escript', script, '--autonomous'], ROOT)],
      [
        'a shell holding the VM’s whole line',
        linux('bash', ['bash', '-c', escriptArgv(script, ['--autonomous']).join(' ')], ROOT),
      ],
      ['grep with the flag before the path', linux('grep', ['grep', '--autonomous', `${ROOT}/apps/ceo/ceo`], ROOT)],
      [
        'an unknown executable',
        {
          executable: null,
          argv: escriptArgv(script, ['--autonomous']),
          commandLine: escriptArgv(script, ['--autonomous']).join(' '),
          cwd: ROOT,
        },
      ],
    ])('is nothing: %s', (_what, facts) => {
      expect(classifyEchoProcess(facts)).toBeNull();
      expect(classifyEchoProcess(asPrinted(facts))).toBeNull();
    });
  });

  describe('extra VM executables (the Node stand-ins)', () => {
    const WITH_NODE = [...ERLANG_VM_EXECUTABLES, 'node'];
    const standIn = linux('node', ['/usr/bin/node', `${ROOT}/apps/cto/cto`, '--autonomous'], '/tmp');

    it('takes `node <root>/apps/cto/cto --autonomous` for an agent only when node is listed', () => {
      expect(classifyEchoProcess(standIn)).toBeNull();
      expect(classifyEchoProcess(standIn, WITH_NODE)).toEqual(agent('cto', ROOT));
      expect(classifyEchoProcess(asPrinted(standIn), WITH_NODE)).toEqual(agent('cto', ROOT));
    });

    it('reads the stand-in’s script from its printed line under a root with a space', () => {
      expect(
        classifyEchoProcess(printed('node', '/usr/bin/node /tmp/echo root-x1/apps/cto/cto --autonomous'), WITH_NODE),
      ).toEqual(agent('cto', '/tmp/echo root-x1'));
      expect(
        classifyEchoProcess(
          printed(
            'node',
            '"C:\\Program Files\\nodejs\\node.exe" "C:\\Temp\\echo root-x1\\apps\\cto\\cto" --autonomous',
          ),
          [...WITH_NODE, 'node.exe'],
        ),
      ).toEqual(agent('cto', 'C:\\Temp\\echo root-x1'));
    });

    it('does not take a stand-in whose first argument is no script', () => {
      expect(
        classifyEchoProcess(
          linux('node', ['node', '-e', 'setTimeout(() => {}, 600000)', '--', `${ROOT}/apps/ceo/ceo`]),
          WITH_NODE,
        ),
      ).toBeNull();
    });

    // Recorded in linux-ps.txt (pid 22253): `node -e … -- <script>`, printed as macOS would print it.
    it('does not take a printed stand-in whose first argument is no script', () => {
      expect(
        classifyEchoProcess(
          printed('node', 'node -e setTimeout(() => {}, 600000) -- /tmp/rec/home/ana/echo/apps/ceo/ceo'),
          WITH_NODE,
        ),
      ).toBeNull();
    });

    it('tells a stand-in by a name Linux cut to 15 characters', () => {
      const runner = linux('echo-agent-runn', ['/opt/bin/echo-agent-runner', `${ROOT}/apps/cto/cto`, '--autonomous']);
      expect(classifyEchoProcess(runner, [...ERLANG_VM_EXECUTABLES, 'echo-agent-runner'])).toEqual(agent('cto', ROOT));
      expect(classifyEchoProcess(runner)).toBeNull();
    });
  });

  describe('lines recorded on other people’s machines (see the fixtures’ README), none of them ECHO’s', () => {
    it('the CouchDB beam.smp of `ps -ef` on macOS, paths with unquoted spaces', () => {
      const [line = ''] = fixture('macos-recorded-ps-ef-couchdb.txt').split('\n');
      // uid pid ppid C STIME TTY TIME, then the command.
      const commandLine = line.replace(/^\s*(?:\S+\s+){7}/, '');
      expect(commandLine).toMatch(/^\/Users\/banjiewen\/Downloads\/Apache CouchDB\.app\/.*\/beam\.smp -K true/);
      expect(classifyEchoProcess(printed('beam.smp', commandLine))).toBeNull();
      expect(classifyEchoProcess(printed('beam.smp', commandLine, '/Users/banjiewen'))).toBeNull();
    });

    it('every row of VS Code’s Process Explorer on a Mac, the ElixirLS beam.smp among them', () => {
      const rows = fixture('macos-recorded-vscode-process-explorer.txt')
        .split('\n')
        .slice(1)
        .filter((row) => row.trim() !== '')
        .map((row) => (row.split('\t')[3] ?? '').trim());
      expect(rows).toHaveLength(13);
      const facts = rows.map((commandLine) =>
        printed(commandLine.split(' ')[0]?.split('/').at(-1) ?? null, commandLine),
      );
      // The recording's one VM: it must be looked at, and found no agent.
      expect(
        facts.filter((entry) => executableIn(entry.executable, ERLANG_VM_EXECUTABLES)).map((entry) => entry.executable),
      ).toEqual(['beam.smp']);
      for (const entry of facts)
        expect([entry.commandLine, classifyEchoProcess(entry)]).toEqual([entry.commandLine, null]);
    });

    it('the erl.exe ElixirLS leaves running on Windows, a quoted script after -extra', () => {
      const commandLine = fixture('windows-recorded-erl-commandline.txt').trim();
      expect(commandLine).toMatch(/^"erl\.exe" {4}-noshell/);
      expect(classifyEchoProcess(printed('erl.exe', commandLine))).toBeNull();
    });

    it('the RabbitMQ service’s erl.exe and the cmd.exe it started, from Sysmon', () => {
      const event = fixture('windows-recorded-sysmon-erl-parent.txt');
      const field = (name: string): string =>
        new RegExp(`\\| ${name}=(.*?)(?: \\||$)`, 'm').exec(event)?.[1]?.trim() ?? '';
      const parentImage = field('ParentImage');
      expect(parentImage).toBe('C:\\Program Files\\erl-23.2\\erts-11.1.4\\bin\\erl.exe');
      const erl = printed(parentImage.split('\\').at(-1) ?? null, field('OriginalParentCommandLine'));
      expect(erl.commandLine).toMatch(/^"C:\\Program Files\\erl-23\.2\\erts-11\.1\.4\\bin\\erl\.exe" -service_event/);
      expect(classifyEchoProcess(erl)).toBeNull();
      expect(classifyEchoProcess(printed('cmd.exe', field('CommandLine'), field('CurrentDirectory')))).toBeNull();
    });

    it('the erl.exe of a Windows Application Error event, which names no command line', () => {
      const event = fixture('windows-recorded-event-log-erl.txt');
      const name = /^Faulting application name: ([^,]+),/m.exec(event)?.[1] ?? null;
      expect(name).toBe('erl.exe');
      expect(classifyEchoProcess(printed(name, ''))).toBeNull();
    });
  });

  describe('the project’s own listings', () => {
    const found = (entries: readonly { pid: number; facts: ProcessFacts }[]): Record<number, EchoProcess> =>
      Object.fromEntries(
        entries.flatMap(({ pid, facts }) => {
          const echo = classifyEchoProcess(facts);
          return echo === null ? [] : [[pid, echo]];
        }),
      );

    it('finds the agents of linux-ps.txt (Debian 12, OTP 25): every copy, in both forms, and no lookalike', () => {
      // OTP 25's VM shows the script's path as argv[0]; its comm stays beam.smp (recorded). The VM is the line with
      // erlexec's `-- -root … -progname`.
      const entries = psLines(fixture('linux-ps.txt')).map(({ pid, commandLine }) => ({
        pid,
        facts: printed(
          / -- -root \S+ .* -progname erl -- /.test(commandLine)
            ? 'beam.smp'
            : (commandLine
                .replace(/^\[|\]$/g, '')
                .split(' ')[0]
                ?.split('/')
                .at(-1) ?? null),
          commandLine,
        ),
      }));
      expect(entries.filter(({ facts }) => facts.executable === 'beam.smp').map(({ pid }) => pid)).toEqual([
        22235, 22236, 22237, 22240, 22241, 22245, 22530,
      ]);
      const echo = '/tmp/rec/home/ana/echo';
      expect(found(entries)).toEqual({
        22235: agent('senior_developer', echo),
        22236: agent('ceo', echo),
        22237: agent('product_manager', '/tmp/rec/home/ana/my echo'),
        22241: agent('ceo', echo, 'mcp'),
        22245: agent('ceo', echo, 'mcp'),
        22530: agent('senior_developer', echo),
      });
    });

    it('finds the agents of macos-ps.txt (composed): two senior developers, a root in iCloud Drive, the MCP forms, and no lookalike', () => {
      // ucomm is the executable's name: beam.smp for the lines that start with its path; the others run no VM.
      const entries = psLines(fixture('macos-ps.txt')).map(({ pid, commandLine }) => ({
        pid,
        facts: printed(
          /^\S*\/beam\.smp /.test(commandLine) ? 'beam.smp' : (commandLine.split(' ')[0]?.split('/').at(-1) ?? null),
          commandLine,
        ),
      }));
      const code = '/Users/ana/Code/echo';
      expect(found(entries)).toEqual({
        1204: agent('cto', code),
        1211: agent('senior_architect', code),
        1230: agent('senior_developer', code),
        1247: agent('senior_developer', code),
        1302: agent('uiux_engineer', '/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/echo'),
        1325: agent('test_lead', code, 'mcp'),
        1331: agent('chro', code, 'mcp'),
      });
      // The delegator's `mix run` (pid 901) is told once lsof gives its cwd.
      const mixRun = entries.find(({ pid }) => pid === 901)?.facts;
      expect(mixRun && classifyEchoProcess({ ...mixRun, cwd: `${code}/apps/delegator` })).toEqual(
        delegator(code, 'mix'),
      );
    });

    it('finds the agents of windows-cim.csv (composed): erl.exe, never the escript.exe launchers, and no lookalike', () => {
      const [header, ...rows] = fixture('windows-cim.csv')
        .split('\r\n')
        .filter((line) => line !== '');
      expect(header).toBe('"ProcessId","CommandLine"');
      const entries = rows.map((row) => {
        const match = /^"(\d+)",(?:"(.*)")?$/.exec(row);
        if (!match?.[1]) throw new Error(`not a CSV row: ${row}`);
        const commandLine = (match[2] ?? '').replaceAll('""', '"');
        // Windows' Name is the image's file name: here the first token of the line.
        const image = commandLine.startsWith('"') ? commandLine.slice(1).split('"')[0] : commandLine.split(' ')[0];
        return {
          pid: Number(match[1]),
          facts: printed(image ? (image.split('\\').at(-1) ?? null) : null, commandLine),
        };
      });
      expect(entries.filter(({ facts }) => facts.executable === 'escript.exe').map(({ pid }) => pid)).toEqual([
        7140, 7208,
      ]);
      expect(found(entries)).toEqual({
        7152: agent('senior_developer', 'C:\\Users\\ana\\echo'),
        7216: agent('test_lead', 'C:\\Users\\Ana Lima\\Documents\\echo'),
        7304: agent('operations_head', 'C:\\Users\\ana\\echo'),
        7402: agent('chro', 'C:\\Users\\ana\\echo', 'mcp'),
        7415: agent('cto', 'C:\\Users\\ana\\echo', 'mcp'),
      });
    });
  });
});

describe('executableIn', () => {
  it.each([
    ['beam.smp', ERLANG_VM_EXECUTABLES, true],
    ['beam', ERLANG_VM_EXECUTABLES, true],
    ['erl.exe', ERLANG_VM_EXECUTABLES, true],
    ['ERL.EXE', ERLANG_VM_EXECUTABLES, true],
    ['werl.exe', ERLANG_VM_EXECUTABLES, true],
    ['escript.exe', ERLANG_VM_EXECUTABLES, false],
    ['escript', ERLANG_VM_EXECUTABLES, false],
    ['erl_child_setup', ERLANG_VM_EXECUTABLES, false],
    ['beam.sm', ERLANG_VM_EXECUTABLES, false],
    ['node', ERLANG_VM_EXECUTABLES, false],
    ['node', ['node'], true],
    // Linux keeps 15 characters of a name: a 15-character comm stands for every name it begins.
    ['echo-agent-runn', ['echo-agent-runner'], true],
    ['echo-agent-run', ['echo-agent-runner'], false],
    ['echo-agent-runx', ['echo-agent-runner'], false],
    [null, ERLANG_VM_EXECUTABLES, false],
  ] as const)('%s among %j: %s', (executable, names, expected) => {
    expect(executableIn(executable, names)).toBe(expected);
  });
});

describe('sameRoot', () => {
  it.each([
    ['/home/ana/echo', '/home/ana/echo', true],
    ['/home/ana/echo/', '/home/ana/echo', true],
    ['/home/ana/echo', '/home/ana/Echo', false],
    ['/home/ana/echo', '/home/ana/echo2', false],
    ['C:\\Users\\Ana Lima\\echo', 'c:/users/ana lima/echo/', true],
    ['C:\\echo', 'D:\\echo', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(sameRoot(a, b)).toBe(expected);
  });
});

describe('modelVariableOf', () => {
  it('upper-cases the role as ECHO reads it', () => {
    expect(modelVariableOf('senior_developer')).toBe('SENIOR_DEVELOPER_MODEL');
    expect(modelVariableOf('ceo')).toBe('CEO_MODEL');
  });
});
