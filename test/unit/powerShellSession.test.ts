import { afterEach, describe, expect, it } from 'vitest';
import { PowerShellSession, type PowerShellSessionOptions } from '../../src/main/sources/processes/powerShellSession';
import { answerOrigin, pidExists, pidGone, standInSession, type StandInFaults } from '../support/windowsStandIn';

/**
 * The session's protocol against a real long-lived program: the stand-in
 * speaks the table loop's protocol over its standard input and output, and
 * says in each answer which of its requests it answers and its pid.
 */
const sessions: PowerShellSession[] = [];

function open(faults: StandInFaults = {}, options: Omit<PowerShellSessionOptions, 'program' | 'onStart'> = {}) {
  const made = standInSession(faults, options);
  sessions.push(made.session);
  return made;
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

describe('a long-lived PowerShell session', () => {
  it('answers many requests from one program, each with its own answer, and ends it on close', async () => {
    const { session, started } = open();
    const answers = [];
    for (let index = 0; index < 12; index += 1) answers.push(await session.request());
    // Requests made together go one after another, each matched to its answer.
    answers.push(...(await Promise.all([session.request(), session.request(), session.request()])));

    expect(started).toHaveLength(1);
    const [pid] = started;
    expect(answers.map((answer) => answerOrigin(answer.stdout))).toEqual(
      answers.map((_answer, index) => ({ request: index + 1, answeredBy: pid })),
    );
    expect(session.pid).toBe(pid);

    await session.close();
    expect(session.pid).toBeNull();
    expect(pidExists(pid ?? -1)).toBe(false);
    await expect(session.request()).rejects.toThrow("PowerShell's process table session is closed");
    expect(started).toHaveLength(1);
  });

  it('ends a program that does not answer in time, and the next request gets a new one’s answer, not the late one', async () => {
    let now = 0;
    // Long enough for a start on a busy machine; the late answer would come well after.
    const { session, started } = open({ lateBy: { request: 2, ms: 4000 } }, { timeoutMs: 1500, clock: () => now });
    expect(answerOrigin((await session.request()).stdout).request).toBe(1);
    await expect(session.request()).rejects.toThrow('PowerShell gave no process table within 1.5 s');
    const [first] = started;
    expect(await pidGone(first ?? -1)).toBe(true);

    now += 30_000;
    const next = await session.request();
    expect(started).toHaveLength(2);
    expect(started[1]).not.toBe(first);
    // The new program's first answer, not the ended one's answer to request 2.
    expect(answerOrigin(next.stdout)).toEqual({ request: 1, answeredBy: started[1] });
  });

  it('takes output that ends with another request’s id for no answer: it waits for its own', async () => {
    const { session, started } = open({ staleBefore: [2, 3] });
    await session.request();
    for (const request of [2, 3]) {
      const answer = await session.request();
      expect(answer.stdout).not.toContain('"stale"');
      expect(answerOrigin(answer.stdout)).toEqual({ request, answeredBy: started[0] });
    }
    expect(started).toHaveLength(1);
  });

  it('tells why a program that exits at once failed, and starts it again at most once every 30 s', async () => {
    let now = 1000;
    const exitAtOnce = { code: 3, stderr: "powershell.exe : the term 'Get-CimInstance' is not recognized\r\n" };
    const { session, started } = open({ exitAtOnce }, { clock: () => now });
    const failure =
      "PowerShell's process table session ended (exit 3): powershell.exe : the term 'Get-CimInstance' is not recognized";
    await expect(session.request()).rejects.toThrow(failure);
    expect(started).toHaveLength(1);

    now += 29_000;
    await expect(session.request()).rejects.toThrow(
      `${failure} (PowerShell started 29 s ago; it is started again at most once every 30 s)`,
    );
    expect(started).toHaveLength(1);

    now += 1000;
    await expect(session.request()).rejects.toThrow(failure);
    expect(started).toHaveLength(2);
    for (const pid of started) expect(await pidGone(pid)).toBe(true);
  });

  it('says when the program cannot be started at all', async () => {
    const session = new PowerShellSession({
      program: { file: '/nonexistent/powershell.exe', args: [], env: {} },
    });
    sessions.push(session);
    await expect(session.request()).rejects.toThrow(
      'PowerShell could not run: spawn /nonexistent/powershell.exe ENOENT',
    );
  });

  it('ends a program whose answer passes the bound', async () => {
    const { session, started } = open({}, { maxAnswerBytes: 1000 });
    await expect(session.request()).rejects.toThrow("PowerShell's answer passed 1000 bytes");
    expect(await pidGone(started[0] ?? -1)).toBe(true);
  });

  it('fails a waiting request on close, and leaves no program running', async () => {
    const { session, started } = open({ hangOn: [1] });
    const waiting = session.request();
    const failed = expect(waiting).rejects.toThrow("PowerShell's process table session was closed");
    // Started once the request is sent, which is a turn of the queue after it is made.
    await new Promise((resolve) => setImmediate(resolve));
    await session.close();
    await failed;
    expect(pidExists(started[0] ?? -1)).toBe(false);
  });

  it('keeps this process open only while a request waits or it closes', async () => {
    const count = (resources: readonly string[], kind: string) => resources.filter((name) => name === kind).length;
    // The programs of the tests before end a moment after their exit is seen.
    for (let tries = 0; count(process.getActiveResourcesInfo(), 'ProcessWrap') > 0 && tries < 200; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const { session } = open({ lateBy: { request: 1, ms: 100 } });
    const before = process.getActiveResourcesInfo();
    const waiting = session.request();
    await new Promise((resolve) => setImmediate(resolve));
    // The request's timeout holds it; the program and its pipes do not.
    const during = process.getActiveResourcesInfo();
    expect(count(during, 'Timeout')).toBe(count(before, 'Timeout') + 1);
    await waiting;
    const after = process.getActiveResourcesInfo();
    expect(count(after, 'ProcessWrap')).toBe(count(before, 'ProcessWrap'));
    expect(count(after, 'PipeWrap')).toBe(count(before, 'PipeWrap'));
    expect(session.pid).not.toBeNull();
    // Closing holds it until the program has exited, so an owner that awaits the close sees the end of it.
    const closing = session.close();
    expect(count(process.getActiveResourcesInfo(), 'ProcessWrap')).toBe(count(before, 'ProcessWrap') + 1);
    await closing;
  });
});
