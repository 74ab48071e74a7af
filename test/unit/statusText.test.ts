import { describe, expect, it } from 'vitest';
import { statusText } from '../../src/main/cli/statusText';
import { processorText } from '../../src/main/cli/statusTables';
import { alignTable, displayWidth } from '../../src/main/cli/textTable';
import type { EchoWork, Snapshot } from '../../src/shared/model';
import { GIB, MIB, gib } from '../support/bytes';
import { sessionRecord } from '../support/fixtures';
import {
  agentProcess,
  failed,
  ok,
  ollamaModel,
  postgresData,
  registryAgent,
  registryData,
  system,
} from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:30:00Z');
const WHERE = { postgres: 'db', registry: 'redis', ollama: 'ollama' };
const minutesAgo = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

/**
 * The seed's moment: the senior developer's model wholly in GPU memory, the test lead's wholly in RAM, and a third
 * model split, used by nobody.
 */
function seedSnapshot(): Snapshot {
  return snapshotAt(NOW, {
    ollama: ok({
      models: [
        { ...ollamaModel('deepseek-coder:6.7b', 4.3), vramBytes: gib(4.3) },
        ollamaModel('codellama:13b', 8.2),
        { name: 'qwen2.5:14b', sizeBytes: 10 * GIB, vramBytes: gib(5.2), expiresAt: NOW + 200_000 },
      ],
    }),
    agentProcesses: ok([agentProcess('senior_developer', 4242, { rssBytes: 32 * MIB })]),
  });
}

/** The blocks the text is made of, by their first line's first word: the header block, SESSIONS, AGENTS, … */
function sections(text: string): Map<string, string[]> {
  return new Map(text.split('\n\n').map((block) => [block.split(' ')[0] ?? '', block.split('\n')]));
}

function section(text: string, name: string): string[] {
  const lines = sections(text).get(name);
  if (lines === undefined) throw new Error(`no ${name} section in:\n${text}`);
  return lines;
}

/** Columns a terminal gives a string, counted by hand for the characters these tests use: CJK ideographs take two. */
const columnsOf = (text: string): number =>
  Array.from(text).reduce((width, char) => width + (/[\u4e00-\u9fff]/.test(char) ? 2 : 1), 0);

/**
 * A table read back by its header: each column starts where its name does in
 * the header row. Rows whose cells come back whole and unmixed were aligned.
 */
function readTable(lines: readonly string[], names: readonly string[], rowCount: number): string[][] {
  const headerAt = lines.findIndex((line) => line.startsWith(`  ${names[0] ?? ''}  `));
  const header = lines[headerAt] ?? '';
  const starts: number[] = [];
  for (const name of names) starts.push(header.indexOf(name, (starts.at(-1) ?? 0) + 1));
  expect(starts.every((start, index) => start > (starts[index - 1] ?? 0))).toBe(true);
  const rows: string[][] = [];
  for (const line of lines.slice(headerAt + 1, headerAt + 1 + rowCount)) {
    const chars = Array.from(line);
    let column = 0;
    const cells = starts.map(() => '');
    for (const char of chars) {
      const index = starts.findLastIndex((start) => start <= column);
      cells[index] = (cells[index] ?? '') + char;
      column += columnsOf(char);
    }
    // Every cell but the last ends in the gutter: a cell that ran into the next column would leave none.
    for (const cell of cells.slice(0, -1)) expect(cell === '' || cell.endsWith(' ')).toBe(true);
    // And every cell starts right at its column: one pushed along would start with a space.
    for (const cell of cells) expect(cell.trim() === '' || !cell.startsWith(' ')).toBe(true);
    rows.push(cells.map((cell) => cell.trim()));
  }
  return [names.slice(), ...rows];
}

describe('status as headed tables', () => {
  it('prints a header block, then SESSIONS, AGENTS and MODELS, each with an upper-case header row', () => {
    const text = statusText(seedSnapshot(), WHERE);
    expect([...sections(text).keys()]).toEqual(['Delegator', 'SESSIONS', 'AGENTS', 'MODELS', 'Note:']);
    expect(section(text, 'Delegator')).toEqual([
      'Delegator Monitor  2026-11-24 14:30:00 (UTC)',
      'PostgreSQL  ok (db)',
      'Registry    ok (redis)',
      'Ollama      ok (ollama)',
      'ECHO root   /home/ana/echo',
      'Machine     CPU idle (5%)',
      'RAM         8.2 GB used by agents of 32 GB (25.7% of RAM) · free 16 GB',
      "GPU         4.3 GB used by agents' models · total unknown",
    ]);
    expect(section(text, 'SESSIONS')[1]).toMatch(/^ {2}CATEGORY {3,}STARTED {3,}DURATION {3,}AGENTS {3,}DESCRIPTION$/);
    expect(section(text, 'AGENTS')[1]).toMatch(
      /^ {2}ROLE {3,}MODEL {3,}MODEL MEMORY {3,}PROCESS {3,}CPU {3,}UP {3,}PID {3,}HEARTBEAT {3,}WORK$/,
    );
    expect(section(text, 'MODELS')[1]).toMatch(/^ {2}NAME {3,}SIZE {3,}PROCESSOR {3,}UNTIL {3,}USED BY$/);
  });

  it('lists the agents under AGENTS, never under SESSIONS, and the history under SESSIONS', () => {
    const text = statusText(seedSnapshot(), WHERE);
    const sessions = section(text, 'SESSIONS');
    expect(sessions[0]).toBe('SESSIONS    1 active · 3 today');
    expect(sessions.join('\n')).not.toContain('deepseek-coder');
    expect(sessions.at(-1)).toBe('  History  2026-11-24: 3 sessions (1 active, 2 completed), average 10m 0s');
    expect(readTable(sessions, ['CATEGORY', 'STARTED', 'DURATION', 'AGENTS', 'DESCRIPTION'], 1)).toEqual([
      ['CATEGORY', 'STARTED', 'DURATION', 'AGENTS', 'DESCRIPTION'],
      ['DEVELOPMENT', '14:23:05', '6m 55s', 'Senior Developer, Test Lead', 'Implement password reset feature'],
    ]);
  });

  it('aligns the agents: every cell starts where its header does, unknowns as ?', () => {
    const agents = section(statusText(seedSnapshot(), WHERE), 'AGENTS');
    expect(agents[0]).toBe(
      'AGENTS      2 active (from registry, process) · 12.5 GB in all, reported · 1% CPU · 79% savings vs all agents',
    );
    expect(
      readTable(agents, ['ROLE', 'MODEL', 'MODEL MEMORY', 'PROCESS', 'CPU', 'UP', 'PID', 'HEARTBEAT', 'WORK'], 2),
    ).toEqual([
      ['ROLE', 'MODEL', 'MODEL MEMORY', 'PROCESS', 'CPU', 'UP', 'PID', 'HEARTBEAT', 'WORK'],
      // The process's 32 MB in MB, never "0 GB"; ECHO's records were not read, so the work is unknown.
      ['Senior Developer', 'deepseek-coder:6.7b', '4.3 GB', '32 MB', '1%', '29m 55s', '4242', 'none', '?'],
      ['Test Lead', 'codellama:13b', '8.2 GB', '?', '?', '6m 55s', '?', 'none', '?'],
    ]);
    // Who saw each agent, beneath the table, where they differ.
    expect(agents).toContainEqual('  Senior Developer:   seen by registry, process, sessions');
    expect(agents).toContainEqual('  Test Lead:          seen by registry, sessions');
  });

  it('lists what Ollama holds as ollama ps does: size, processor split, until, and who uses it', () => {
    const models = section(statusText(seedSnapshot(), WHERE), 'MODELS');
    expect(models[0]).toBe('MODELS      3 loaded, 22.5 GB');
    expect(readTable(models, ['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'], 3)).toEqual([
      ['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'],
      ['deepseek-coder:6.7b', '4.3 GB', '100% GPU', '?', 'Senior Developer'],
      ['codellama:13b', '8.2 GB', '100% CPU', '?', 'Test Lead'],
      ['qwen2.5:14b', '10 GB', '48%/52% CPU/GPU', 'in 3m 20s', 'no agent'],
    ]);
  });

  it("says where a model sits by ollama ps's own rule, and ? where Ollama gave no size", () => {
    const model = (sizeBytes: number, vramBytes: number) => processorText({ sizeBytes, vramBytes, sizeFrom: 'ollama' });
    expect(model(100, 0)).toBe('100% CPU');
    expect(model(100, 100)).toBe('100% GPU');
    expect(model(100, 52)).toBe('48%/52% CPU/GPU');
    // Ollama rounds the CPU's share and gives the GPU the rest: 0.5% on the CPU reads 1%/99%.
    expect(model(1000, 995)).toBe('1%/99% CPU/GPU');
    expect(model(100, 120)).toBe('unknown');
    expect(processorText({ sizeBytes: gib(6.7), vramBytes: 0, sizeFrom: 'estimate' })).toBe('?');
  });

  it('marks an estimated size with ~, says so, and gives a model kept for good no countdown', () => {
    const snapshot = snapshotAt(NOW, {
      ollama: ok({
        models: [
          { name: 'deepseek-coder:6.7b', sizeBytes: null, vramBytes: 0, expiresAt: null },
          { ...ollamaModel('codellama:13b', 8.2), expiresAt: NOW + 50 * 365 * 86_400_000 },
        ],
      }),
    });
    const models = section(statusText(snapshot, WHERE), 'MODELS');
    expect(models[0]).toBe('MODELS      2 loaded, ? (a size is unknown)');
    expect(readTable(models, ['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'], 2).slice(1)).toEqual([
      ['deepseek-coder:6.7b', '~6.7 GB', '?', '?', 'Senior Developer'],
      ['codellama:13b', '8.2 GB', '100% CPU', 'forever', 'Test Lead'],
    ]);
    expect(models.at(-1)).toBe('  SIZE as Ollama reports it; ~ where it gave none, an estimate.');
  });

  it('keeps RAM and GPU apart: the share is of RAM and names what was read, never RAM plus GPU against RAM', () => {
    const withGpu = snapshotAt(NOW, {
      ollama: ok({
        models: [
          { ...ollamaModel('deepseek-coder:6.7b', 4.3), vramBytes: gib(4.3) },
          ollamaModel('codellama:13b', 8.2),
        ],
      }),
      system: system({ gpu: { totalBytes: 24 * GIB, usedBytes: 6 * GIB } }),
    });
    const header = section(statusText(withGpu, WHERE), 'Delegator');
    expect(header).toContain('RAM         8.2 GB used by agents of 32 GB (25.6% of RAM) · free 16 GB');
    expect(header).toContain("GPU         4.3 GB used by agents' models of 24 GB · 6 GB in use in all");
    expect(header.join('\n')).not.toMatch(/\+ GPU/);
    // The test lead's model is loaded with no size: its estimate is in the RAM figure, but not in the share.
    const estimated = snapshotAt(NOW, {
      ollama: ok({
        models: [
          { ...ollamaModel('deepseek-coder:6.7b', 4.3), vramBytes: gib(4.3) },
          { name: 'codellama:13b', sizeBytes: null, vramBytes: 0, expiresAt: null },
        ],
      }),
      agentProcesses: ok([agentProcess('senior_developer', 4242, { rssBytes: 32 * MIB })]),
    });
    expect(section(statusText(estimated, WHERE), 'Delegator')).toContain(
      'RAM         ~13 GB used by agents of 32 GB, 32 MB of it read (0.1% of RAM) · free 16 GB',
    );
  });

  it('says ? or unknown for what nobody could read, never 0', () => {
    const snapshot = snapshotAt(NOW, {
      postgres: failed('connect ECONNREFUSED 127.0.0.1:5433'),
      ollama: failed('connect ECONNREFUSED 127.0.0.1:11434'),
      system: system({ freeBytes: null, cpuPercent: null }),
    });
    const text = statusText(snapshot, WHERE);
    expect(section(text, 'Delegator')).toEqual(
      expect.arrayContaining([
        'Machine     CPU ?',
        'RAM         ~19.7 GB used by agents, estimated, of 32 GB · free unknown',
        'Ollama      DOWN: connect ECONNREFUSED 127.0.0.1:11434 (ollama)',
      ]),
    );
    expect(section(text, 'SESSIONS')).toEqual(['SESSIONS    ? active · ? today']);
    expect(section(text, 'MODELS')).toEqual(['MODELS      unknown: Ollama could not be asked']);
    expect(
      readTable(
        section(text, 'AGENTS'),
        ['ROLE', 'MODEL', 'MODEL MEMORY', 'PROCESS', 'CPU', 'UP', 'PID', 'HEARTBEAT', 'WORK'],
        2,
      ).slice(1),
    ).toEqual([
      ['Senior Developer', 'deepseek-coder:6.7b', '~6.7 GB', '?', '?', '6m 55s', '?', 'none', '?'],
      ['Test Lead', 'codellama:13b', '~13 GB', '?', '?', '6m 55s', '?', 'none', '?'],
    ]);
    expect(text).not.toMatch(/\b0 (GB|MB)\b/);
  });

  it('says none in a line where a source answered with nothing, and leaves out a section nobody asked for', () => {
    const snapshot = snapshotAt(NOW, {
      postgres: ok(postgresData([])),
      registry: ok(registryData([])),
      ollama: ok({ models: [] }),
    });
    const text = statusText(snapshot, WHERE);
    expect(section(text, 'SESSIONS')[0]).toBe('SESSIONS    0 active · 3 today');
    expect(text).not.toContain('CATEGORY');
    expect(section(text, 'AGENTS')).toEqual(['AGENTS      0 active (from sessions)']);
    expect(section(text, 'MODELS')).toEqual(['MODELS      0 loaded']);
    expect(sections(statusText(snapshotAt(NOW, { ollama: null }), { ...WHERE, ollama: 'off' })).has('MODELS')).toBe(
      false,
    );
  });

  it('keeps the columns in line past a long model name', () => {
    const long = 'hf.co/bartowski/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M';
    const snapshot = snapshotAt(NOW, {
      registry: ok(
        registryData([registryAgent('senior_developer', long), registryAgent('test_lead', 'codellama:13b')]),
      ),
      ollama: ok({ models: [{ ...ollamaModel(long, 19.9), vramBytes: gib(19.9) }, ollamaModel('codellama:13b', 8.2)] }),
    });
    const text = statusText(snapshot, WHERE);
    expect(
      readTable(
        section(text, 'AGENTS'),
        ['ROLE', 'MODEL', 'MODEL MEMORY', 'PROCESS', 'CPU', 'UP', 'PID', 'HEARTBEAT', 'WORK'],
        2,
      )
        .slice(1)
        .map((row) => row.slice(0, 3)),
    ).toEqual([
      ['Senior Developer', long, '19.9 GB'],
      ['Test Lead', 'codellama:13b', '8.2 GB'],
    ]);
    expect(readTable(section(text, 'MODELS'), ['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'], 2).slice(1)).toEqual([
      [long, '19.9 GB', '100% GPU', '?', 'Senior Developer'],
      ['codellama:13b', '8.2 GB', '100% CPU', '?', 'Test Lead'],
    ]);
  });

  it('gives a wide character two columns, so a CJK name keeps the next column in line', () => {
    expect([
      displayWidth('abc'),
      displayWidth('模型:7b'),
      displayWidth('👩‍💻'),
      displayWidth('e\u0301'),
      displayWidth('🏳️‍🌈'),
    ]).toEqual([3, 7, 2, 1, 2]);
    const snapshot = snapshotAt(NOW, {
      ollama: ok({ models: [ollamaModel('模型:7b', 7), ollamaModel('codellama:13b', 8.2)] }),
    });
    expect(
      readTable(
        section(statusText(snapshot, WHERE), 'MODELS'),
        ['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'],
        2,
      ).slice(1),
    ).toEqual([
      ['模型:7b', '7 GB', '100% CPU', '?', 'no agent'],
      ['codellama:13b', '8.2 GB', '100% CPU', '?', 'Test Lead'],
    ]);
  });

  it('escapes control characters in every cell, and aligns by what is shown', () => {
    const hostile = 'evil\u001b]0;title\u0007:7b';
    const snapshot = snapshotAt(NOW, {
      postgres: ok(
        postgresData([
          sessionRecord({ category: 'development\nOK: ALL CLEAR', description: 'Deploy \u001b[2J now\u202e' }),
        ]),
      ),
      registry: ok(
        registryData([registryAgent('senior_developer', hostile), registryAgent('test\u0007lead', 'codellama:13b')]),
      ),
      ollama: ok({ models: [ollamaModel(hostile, 1)] }),
    });
    const text = statusText(snapshot, WHERE);
    for (const line of text.split('\n')) expect(line).not.toMatch(/[\p{Cc}\u2028\u2029\u202e]/u);
    expect(
      readTable(section(text, 'SESSIONS'), ['CATEGORY', 'STARTED', 'DURATION', 'AGENTS', 'DESCRIPTION'], 1)[1],
    ).toEqual([
      'DEVELOPMENT\\nOK: ALL CLEAR',
      '14:23:05',
      '6m 55s',
      'Senior Developer, Test Lead',
      'Deploy \\x1b[2J now\\u202e',
    ]);
    expect(
      readTable(section(text, 'AGENTS'), ['ROLE', 'MODEL', 'MODEL MEMORY'], 2)
        .slice(1)
        .map((row) => row.slice(0, 2)),
    ).toEqual([
      ['Senior Developer', 'evil\\x1b]0;title\\x07:7b'],
      ['Test\\x07lead', 'codellama:13b'],
    ]);
    expect(readTable(section(text, 'MODELS'), ['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'], 1)[1]?.[0]).toBe(
      'evil\\x1b]0;title\\x07:7b',
    );
  });
});

/**
 * ECHO's records as the views show them: a backlog, failures, a model called a minute ago, two decisions and a failed
 * workflow.
 */
function echoWork(): EchoWork {
  const message = (id: number, from: string, to: string, type: string, subject: string, minutes: number) => ({
    id,
    from,
    to,
    type,
    subject,
    at: minutesAgo(minutes),
    ageSeconds: minutes * 60,
  });
  return {
    tables: { messages: true, decisions: true, llmSessions: true, workflows: true, flows: true },
    agents: [
      {
        role: 'senior_developer',
        tasksToday: 5,
        tasksLastHour: 2,
        backlog: 3,
        waiting: [message(11, 'delegator', 'senior_developer', 'request', 'Implement password reset', 12)],
        failures: [{ ...message(9, 'cto', 'senior_developer', 'request', 'Refactor auth', 40), error: 'timeout' }],
        failuresTotal: 1,
        lastSent: message(14, 'senior_developer', 'test_lead', 'notification', 'Ready for tests', 2),
        llm: { lastQueryAt: minutesAgo(1), turnsToday: 4, tokensToday: 1800, quietUnloadInSeconds: 240 },
      },
    ],
    openDecisions: [
      {
        id: 'd-1',
        type: 'budget_approval',
        initiator: 'ceo',
        participants: ['cto'],
        mode: 'collaborative',
        status: 'pending',
        votes: 1,
        insertedAt: minutesAgo(20),
        ageSeconds: 1200,
      },
    ],
    openDecisionsTotal: 3,
    workflows: [
      {
        kind: 'workflow',
        id: 'w-1',
        name: 'feature_development',
        status: 'failed',
        pauseReason: null,
        error: 'step 3 raised',
        insertedAt: minutesAgo(90),
        idleSeconds: 3600,
      },
    ],
    workflowsTotal: 1,
    latestMessages: [
      message(15, 'delegator', 'ceo', 'request', 'Plan the quarter', 1),
      message(13, 'ceo', 'all', 'notification', '  ', 3),
    ],
    tasksPerDay: [{ date: '2026-11-24', count: 5 }],
  };
}

describe("an agent's work, copies and ECHO's records", () => {
  it('keeps every fact the one-line form gave: counts in WORK, the rest beneath the table', () => {
    const base = snapshotAt(NOW, {
      agentProcesses: ok([
        agentProcess('senior_developer', 4242, { rssBytes: 32 * MIB }),
        agentProcess('senior_developer', 4343, { rssBytes: 40 * MIB, orphaned: true }),
      ]),
    });
    const text = statusText({ ...base, work: echoWork() }, WHERE);
    const agents = section(text, 'AGENTS');
    expect(
      readTable(
        agents,
        ['ROLE', 'MODEL', 'MODEL MEMORY', 'PROCESS', 'CPU', 'UP', 'PID', 'HEARTBEAT', 'WORK'],
        1,
      )[1]?.slice(3),
    ).toEqual(['72 MB', '1%', '29m 55s', '4242', 'none', '3 waiting, 1 failed']);
    expect(agents).toContainEqual(
      '  Senior Developer:   seen by registry, process, sessions · 2 copies, PROCESS sums them: pids 4242, 4343 · pid 4343 orphaned · oldest waiting 12m 0s · last sent 2m 0s ago · model called 1m 0s ago · its model unloads in 4m 0s if it stays quiet',
    );
    expect(readTable(section(text, 'ECHO'), ['KIND', 'NAME', 'BY', 'VOTES', 'OPEN', 'STATUS'], 2)).toEqual([
      ['KIND', 'NAME', 'BY', 'VOTES', 'OPEN', 'STATUS'],
      ['decision', 'budget_approval', 'CEO', '1', '20m 0s', 'pending'],
      ['workflow', 'feature_development', '', '', '', 'failed: step 3 raised'],
    ]);
    expect(section(text, 'ECHO')[0]).toBe('ECHO WORK   3 open decisions · 1 workflow');
    expect(section(text, 'ECHO')).toContainEqual('  … and 2 more decisions');
    expect(readTable(section(text, 'LATEST'), ['TIME', 'FROM', 'TO', 'TYPE', 'SUBJECT'], 2)).toEqual([
      ['TIME', 'FROM', 'TO', 'TYPE', 'SUBJECT'],
      ['14:29:00', 'Delegator', 'CEO', 'request', 'Plan the quarter'],
      ['14:27:00', 'CEO', 'all agents', 'notification', '(no subject)'],
    ]);
  });
});

describe("status's CPU and the window it covers", () => {
  const note = (windowMs: number, enough: boolean) => ({ windowMs, waitedMs: 0, shortestMs: 100, cores: 2, enough });
  const machineLine = (snapshot: Snapshot, cpuWindow?: ReturnType<typeof note>): string | undefined =>
    section(statusText(snapshot, WHERE, { cpuWindow }), 'Delegator').find((line) => line.startsWith('Machine'));

  it("names the time the command ran as the figure's window", () => {
    const snapshot = snapshotAt(NOW, { system: system({ cpuPercent: 12 }) });
    expect(machineLine(snapshot, note(143, true))).toBe('Machine     CPU low (12%, over the 0.14 s this command ran)');
  });

  it('says why the CPU is unknown when the command ran too short a time to tell, never 0', () => {
    const snapshot = snapshotAt(NOW, { system: system({ cpuPercent: null }) });
    expect(machineLine(snapshot, note(43, false))).toBe(
      'Machine     CPU ? (the command ran 0.04 s: too short to tell; --cpu-window waits for a figure)',
    );
  });

  it('says no window where none was given: a watch, or a figure unknown for another reason', () => {
    expect(machineLine(snapshotAt(NOW, { system: system({ cpuPercent: 12 }) }))).toBe('Machine     CPU low (12%)');
    expect(machineLine(snapshotAt(NOW, { system: system({ cpuPercent: null }) }), note(300, true))).toBe(
      'Machine     CPU ?',
    );
  });
});

describe('alignTable', () => {
  it('pads every column but the last to its widest cell, with no space at the end of a line', () => {
    expect(
      alignTable(
        ['A', 'LONG HEADER', 'C'],
        [
          ['wide cell', 'x', ''],
          ['y', '', 'last'],
        ],
      ),
    ).toEqual(['  A           LONG HEADER   C', '  wide cell   x', '  y                         last']);
  });
});
