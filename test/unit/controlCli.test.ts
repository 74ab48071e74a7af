import { describe, expect, it } from 'vitest';
import { controlExitCode, reportOutcome } from '../../src/main/cli/controlOutcome';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';

const cli = (argv: string[], env: Record<string, string> = {}) => runCliInProcess(argv, { env });

describe('end-session, stop-agent and unload, before they touch any source', () => {
  it.each([
    ['end-session', 'end-session <sessionId> [--timeout SECONDS] [--json]'],
    ['stop-agent', 'stop-agent <role> [--pid PID] [--timeout SECONDS] [--json]'],
    ['unload', 'unload <model> [--json]'],
  ])('%s is in the overview and has its own help', async (command, synopsis) => {
    expect((await cli(['--help'])).out).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    const { code, out } = await cli([command, '--help']);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe(`Usage: delegator-monitor ${synopsis}`);
  });

  it.each([
    [['end-session'], 'end-session needs a session id'],
    [['end-session', ''], 'end-session needs a session id'],
    [['end-session', 's1', 's2'], 'Unexpected argument "s2": end-session takes one session id'],
    [['end-session', 's1', '--timeout'], "Option '--timeout <value>' argument missing"],
    [['end-session', 's1', '--timeout', '0'], '--timeout "0": expected whole seconds from 1 to 3600'],
    [['end-session', 's1', '--timeout', '1.5'], '--timeout "1.5": expected whole seconds from 1 to 3600'],
    [['end-session', 's1', '--timeout', 'soon'], '--timeout "soon": expected whole seconds from 1 to 3600'],
    [['end-session', 's1', '--timeout', '3601'], '--timeout "3601": expected whole seconds from 1 to 3600'],
    [['end-session', 'x'.repeat(256)], 'end-session "xxxx'],
    [['stop-agent'], 'stop-agent needs a role'],
    [['stop-agent', 'cto', 'cfo'], 'Unexpected argument "cfo": stop-agent takes one role'],
    [['stop-agent', 'cto', '--force'], "Unknown option '--force'"],
    [['unload'], 'unload needs a model name'],
    [['unload', 'a', 'b'], 'Unexpected argument "b": unload takes one model name'],
    [['unload', 'a', '--timeout', '5'], "Unknown option '--timeout'"],
  ])('exits 3 with one line and a pointer to its help for %j', async (argv, message) => {
    expectUsageError(await cli(argv), message, argv[0]);
  });

  it('exits 3 on a bad configuration, before sending anything', async () => {
    const result = await cli(['stop-agent', 'cto'], { REDIS_PORT: 'none' });
    expect(result.code).toBe(3);
    expect(result.err).toContain('REDIS_PORT must be a port number');
  });

  it('exits 2 without a registry to send through (REGISTRY_MODE=sessions)', async () => {
    const result = await cli(['end-session', 's1'], { REGISTRY_MODE: 'sessions' });
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      "Could not end session s1: commands travel through the delegator's Redis, which REGISTRY_MODE=sessions turns off. ECHO offers no way to end a session from outside; only a delegator that answers the registry protocol (docs/controls.md) can\n",
    );
  });

  it('exits 2 with Ollama switched off', async () => {
    const result = await cli(['unload', 'codellama:13b'], { OLLAMA_ENDPOINT: 'off' });
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'Could not unload codellama:13b: Ollama is switched off (OLLAMA_ENDPOINT=off), so no model can be unloaded\n',
    );
  });
});

describe('the exit code of a control', () => {
  it.each([
    [{ ok: true, id: 'a' }, 0],
    [{ ok: false, id: 'a', failure: 'refused' as const, error: 'no' }, 1],
    [{ ok: false, id: 'a', failure: 'no_answer' as const, error: 'silence' }, 2],
    [{ ok: false, id: 'a', failure: 'not_sent' as const, error: 'down' }, 2],
    // An outcome that does not say why is not known to have happened.
    [{ ok: false, id: 'a' }, 2],
  ])('%j exits %i', (outcome, code) => {
    expect(controlExitCode(outcome)).toBe(code);
  });
});

describe('what a control prints, when what it names came from outside', () => {
  const printed = (json: boolean) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      env: {},
      out: (text: string) => out.push(text),
      err: (text: string) => err.push(text),
      now: () => 0,
      timeZone: 'UTC',
      untilStopped: () => new Promise<string>(() => undefined),
    };
    const outcome = {
      ok: false,
      id: 'a',
      failure: 'refused' as const,
      error: 'busy\x1b]0;title\x07\nOK: done \u202eevil\x9b',
    };
    const code = reportOutcome(outcome, { done: 'done', attempt: 'stop cto', refuser: 'the delegator' }, { json }, io);
    return { code, out: out.join(''), err: err.join('') };
  };

  it('shows the reason escaped, on one line', () => {
    expect(printed(false)).toEqual({
      code: 1,
      out: '',
      err: 'Could not stop cto: the delegator refused: busy\\x1b]0;title\\x07\\nOK: done \\u202eevil\\x9b\n',
    });
  });

  it('--json keeps the reason as it was, with no raw C1 or bidirectional character', () => {
    const { out } = printed(true);
    expect(out).not.toMatch(/[\u007f-\u009f\u202e]/);
    expect(JSON.parse(out)).toEqual({ ok: false, id: 'a', error: 'busy\x1b]0;title\x07\nOK: done \u202eevil\x9b' });
  });

  it('names a hostile session id escaped', async () => {
    const result = await cli(['end-session', 's1\x1b[2J\u202e'], { REGISTRY_MODE: 'sessions' });
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      "Could not end session s1\\x1b[2J\\u202e: commands travel through the delegator's Redis, which REGISTRY_MODE=sessions turns off. ECHO offers no way to end a session from outside; only a delegator that answers the registry protocol (docs/controls.md) can\n",
    );
  });
});
