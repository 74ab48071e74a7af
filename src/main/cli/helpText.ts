/**
 * What `delegator-monitor <command> --help` says of each command. Kept apart
 * from the parsing in run.ts so a text can grow without crowding the checks,
 * and plain data so a test can hold every option listed here against what
 * the command accepts.
 */
import { CATEGORY_AGENTS } from '../core/echoRoster';
import { DEFAULT_CPU_WINDOW_MS, MAX_CPU_WINDOW_MS, MIN_CPU_WINDOW_MS } from './cpuWindow';
import { DEFAULT_ACK_TIMEOUT_SECONDS, DEFAULT_WATCH_SECONDS, MAX_BACKFILL_DAYS, MIN_WATCH_SECONDS } from './limits';

export const PROGRAM = 'delegator-monitor';

export const COMMAND_NAMES = [
  'status',
  'forecast',
  'serve',
  'mcp',
  'simulate',
  'migrate',
  'export',
  'end-session',
  'stop-agent',
  'unload',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandHelp {
  /** Its one line in the overview. */
  readonly summary: string;
  /** What follows `delegator-monitor `, one form a line. */
  readonly synopsis: readonly string[];
  /** A few lines on what it does, beyond the summary. */
  readonly about: readonly string[];
  /**
   * Each flag as typed (with its value's placeholder) and its meaning in one line; --help is added to every command.
   */
  readonly options: readonly (readonly [flag: string, meaning: string])[];
  readonly exitCodes: readonly (readonly [code: number, meaning: string])[];
  readonly examples: readonly string[];
}

const DEMO_OPTION = ['--demo', 'The embedded demo and its simulated delegator: no services needed'] as const;
const BAD_USAGE = [3, 'bad usage or configuration, or the output could not be written'] as const;
const ACK_TIMEOUT = `How long to wait, in whole seconds from 1 to 3600 (default ${String(DEFAULT_ACK_TIMEOUT_SECONDS)})`;
const CONTROL_JSON = ['--json', 'The outcome as one JSON object: {"ok", "id", "error"}'] as const;
/** The controls share their codes (CONTROL_EXIT): a script can tell refused from not answered. */
const CONTROL_EXIT_CODES = [
  [0, 'done'],
  [1, 'refused (the reason is said)'],
  [2, 'no answer in time, or a source down: not done, or not known to be done'],
  BAD_USAGE,
] as const;
const NOTHING_QUEUED = 'Nothing is queued: what cannot be done now fails at once.';
/** The commands that keep running log to standard error; their help is where a user looks for how much. */
const LOG_LEVEL_LINE = 'It logs to standard error at MONITOR_LOG_LEVEL: debug, info (the default), warn or error.';

export const COMMAND_HELP: Readonly<Record<CommandName, CommandHelp>> = {
  status: {
    summary: 'One snapshot of sessions, agents, memory, warnings and alerts',
    synopsis: [
      'status [--json] [--date YYYY-MM-DD] [--demo] [--timings] [--cpu-window [MS]]',
      'status --watch [SECONDS] [--json] [--demo]',
    ],
    about: [
      "Reads each source once (PostgreSQL, the registry, Ollama, the agents' processes) and prints it:",
      "a header, then tables of the sessions, agents, models Ollama holds, ECHO's work and latest messages.",
      'Its exit code follows the Nagios plugin convention, so it serves as a monitoring check as it is.',
      "The machine's CPU is measured over the time the command ran, with no wait for it, and is shown as",
      'unknown (CPU ?) where that was too short for the CPU counters to tell; --cpu-window waits for one.',
      'With --watch it keeps one monitor running and redraws in place until Ctrl-C or SIGTERM.',
    ],
    options: [
      ['--json', 'The same snapshot as one JSON object'],
      ['--date YYYY-MM-DD', 'History and figures for another local calendar day (default: today)'],
      DEMO_OPTION,
      ['--timings', 'Also write when each phase ended, and the CPU window, to standard error'],
      [
        '--cpu-window [MS]',
        `Wait until the CPU is measured over MS ms (default ${String(DEFAULT_CPU_WINDOW_MS)}, ${String(MIN_CPU_WINDOW_MS)} to ${String(MAX_CPU_WINDOW_MS)})`,
      ],
      [
        '--watch [SECONDS]',
        `Redraw every SECONDS (default ${String(DEFAULT_WATCH_SECONDS)}, at least ${String(MIN_WATCH_SECONDS)}); with --json, one object a line`,
      ],
    ],
    exitCodes: [
      [0, 'every source answered and no alert fires; with --watch, stopped by Ctrl-C or SIGTERM'],
      [1, 'a warning alert fires'],
      [2, 'a critical alert fires, or a source is down (the output says which)'],
      BAD_USAGE,
    ],
    examples: [
      'delegator-monitor status',
      'delegator-monitor status --json --demo | jq .summary',
      'delegator-monitor status --date 2026-11-20',
      'delegator-monitor status --watch 5',
    ],
  },
  forecast: {
    summary: "For each of ECHO's categories, whether its agents would fit in free memory now",
    synopsis: ['forecast [--category C] [--json] [--demo]'],
    about: [
      'The memory its agents would add given the models loaded now, against free memory: whether it fits',
      'now, once Ollama evicts or unloads idle models, or not at all.',
    ],
    options: [
      ['--category C', `Only C: one of ${Object.keys(CATEGORY_AGENTS).join(', ')}`],
      ['--json', 'The forecast as one JSON object: {"categories": [...]}'],
      DEMO_OPTION,
    ],
    exitCodes: [
      [0, 'every source answered'],
      [2, 'a source is down: what it would show loaded is hidden, so the figures are an upper bound'],
      BAD_USAGE,
    ],
    examples: ['delegator-monitor forecast', 'delegator-monitor forecast --category technical --json'],
  },
  serve: {
    summary: 'The dashboard for a browser, its HTTP API, server-sent events and /metrics',
    synopsis: ['serve [--port 4000] [--host 127.0.0.1] [--demo]'],
    about: [
      "Runs the monitor until Ctrl-C or SIGTERM, then stops cleanly. It prints the dashboard's address",
      "and the file holding the controls' address; the dashboard served is the one `npm run build` made.",
      LOG_LEVEL_LINE,
    ],
    options: [
      ['--port N', 'The port to listen on (default 4000; 0 takes any free one)'],
      ['--host ADDRESS', 'Address to listen on (default 127.0.0.1); other machines need the access token'],
      DEMO_OPTION,
    ],
    exitCodes: [
      [0, 'stopped by Ctrl-C or SIGTERM'],
      [3, 'bad usage or configuration, the address cannot be taken, or the output could not be written'],
    ],
    examples: ['delegator-monitor serve', 'delegator-monitor serve --demo --port 0'],
  },
  mcp: {
    summary: 'An MCP server on standard input and output, for Claude Desktop and other MCP clients',
    synopsis: ['mcp [--demo] [--allow-controls]'],
    about: [
      'Answers tools (summary, agents, sessions, echo_work, forecast, history, stats, events) and the',
      'snapshot as a resource, from one monitor, until the client closes standard input, Ctrl-C or SIGTERM.',
      'Standard output carries the protocol alone. See docs/mcp.md for the client configuration.',
      LOG_LEVEL_LINE,
    ],
    options: [
      DEMO_OPTION,
      ['--allow-controls', 'Also offer stop_agent, unload_model and end_session, which change what runs'],
    ],
    exitCodes: [
      [0, 'stopped: the client closed standard input, or Ctrl-C or SIGTERM'],
      [3, 'bad usage or configuration, or the monitor could not start'],
    ],
    examples: ['delegator-monitor mcp', 'delegator-monitor mcp --demo', 'delegator-monitor mcp --allow-controls'],
  },
  simulate: {
    summary: 'A reference ECHO on this machine, writing to the configured PostgreSQL and Redis',
    synopsis: ['simulate [--speed 1] [--seed N]', 'simulate --sessions [--backfill DAYS] [--speed 1] [--seed N]'],
    about: [
      'By default ECHO as it runs: agent processes (Erlang VMs where escript is installed) beating in',
      "agent_status, their work in ECHO's own tables and channels, and no sessions. Stops its agents on",
      'Ctrl-C or SIGTERM.',
      LOG_LEVEL_LINE,
    ],
    options: [
      ['--speed N', 'How many times faster than life it runs (default 1; a fraction runs slower)'],
      ['--seed N', 'The seed of its random choices, to repeat a run (default: a random one)'],
      ['--sessions', 'Guide-integrated ECHO: also sessions, the registry and events; answers commands'],
      [
        '--backfill DAYS',
        `With --sessions: first write past sessions, up to ${String(MAX_BACKFILL_DAYS)} days of them`,
      ],
    ],
    exitCodes: [
      [0, 'stopped by Ctrl-C or SIGTERM'],
      [2, 'PostgreSQL or Redis could not be reached, or a step before the start failed'],
      BAD_USAGE,
    ],
    examples: ['delegator-monitor simulate', 'delegator-monitor simulate --sessions --backfill 30 --speed 10'],
  },
  migrate: {
    summary: "Whether ECHO's tables exist; --standalone creates them for a monitor-only database",
    synopsis: ['migrate [--standalone]'],
    about: [
      "Says whether ECHO's migrations have run and whether delegator_sessions and agent_status exist,",
      "and creates nothing: ECHO's own `mix ecto.migrate` creates them.",
    ],
    options: [['--standalone', 'Create both, for a database only the monitor uses; refused where ECHO migrated']],
    exitCodes: [[0, 'said, or created'], [2, 'refused, or PostgreSQL could not be reached or read'], BAD_USAGE],
    examples: [
      'delegator-monitor migrate',
      'DATABASE_URL=postgres://monitor@localhost/monitor delegator-monitor migrate --standalone',
    ],
  },
  export: {
    summary: 'Sessions or events of a range of local days, as CSV or JSON',
    synopsis: [
      'export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--what sessions|events] [--out FILE] [--demo]',
    ],
    about: [
      'Sessions started (or events logged) on those local days, both included, written as they are read,',
      'to standard output or a regular file. A report of what was written goes to standard error.',
    ],
    options: [
      ['--from YYYY-MM-DD', 'The first local day, included (required)'],
      ['--to YYYY-MM-DD', 'The last local day, included (required)'],
      ['--format csv|json', 'CSV (RFC 4180, the default) or one JSON array'],
      ['--what sessions|events', "Sessions (the default) or the events serve's log keeps"],
      ['--out FILE', 'A regular file, replaced whole at the end; - or none: standard output'],
      DEMO_OPTION,
    ],
    exitCodes: [
      [0, 'done'],
      [2, 'a source down: nothing written'],
      [3, 'bad usage or configuration, an --out that cannot be written, or standard output failing'],
    ],
    examples: [
      'delegator-monitor export --from 2026-11-01 --to 2026-11-24 --out sessions.csv',
      'delegator-monitor export --from 2026-11-01 --to 2026-11-24 --format json | jq length',
    ],
  },
  'end-session': {
    summary: 'Ask a delegator that answers the registry protocol to end a session',
    synopsis: ['end-session <sessionId> [--timeout SECONDS] [--json]'],
    about: [
      "Sends the command through the delegator's Redis and waits for its acknowledgement.",
      "ECHO's own delegator offers no way to end a session from outside; the simulator's does.",
      NOTHING_QUEUED,
    ],
    options: [['--timeout SECONDS', ACK_TIMEOUT], CONTROL_JSON],
    exitCodes: CONTROL_EXIT_CODES,
    examples: ['delegator-monitor end-session session_1731355385_a1b2c3d4'],
  },
  'stop-agent': {
    summary: "Stop an agent's Erlang VM on this machine and wait for it to exit",
    synopsis: ['stop-agent <role> [--pid PID] [--timeout SECONDS] [--json]'],
    about: [
      "Never a wrapper, another user's process or another ECHO root's. Where no process of the role",
      'runs here, it asks a delegator that answers the registry protocol. ECHO keeps the role registered',
      'until its delegator restarts.',
      NOTHING_QUEUED,
    ],
    options: [
      ['--pid PID', 'The copy to stop, where the role runs more than once here'],
      ['--timeout SECONDS', ACK_TIMEOUT],
      CONTROL_JSON,
    ],
    exitCodes: CONTROL_EXIT_CODES,
    examples: [
      'delegator-monitor stop-agent cto',
      'delegator-monitor stop-agent senior_developer --pid 4242 --timeout 5',
    ],
  },
  unload: {
    summary: 'Ask Ollama to unload a model now, and confirm it left memory',
    synopsis: ['unload <model> [--json]'],
    about: [
      'Asks the Ollama OLLAMA_ENDPOINT names, then waits up to 3 s for the model to leave memory.',
      'A bare name means its :latest tag.',
      NOTHING_QUEUED,
    ],
    options: [CONTROL_JSON],
    exitCodes: CONTROL_EXIT_CODES,
    examples: ['delegator-monitor unload deepseek-coder:33b', 'delegator-monitor unload llama3.1:8b --json'],
  },
};
