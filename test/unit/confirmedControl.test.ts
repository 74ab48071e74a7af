import { describe, expect, it } from 'vitest';
import { runConfirmedControl, type ControlHost } from '../../src/main/desktop/confirmedControl';
import type { CommandOutcome, CommandRequest } from '../../src/shared/commands';
import type { ControlPlan } from '../../src/shared/controlPlan';
import { ok, ollamaModel } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const STOP: CommandRequest = { type: 'stop_agent', role: 'test_lead' };

/** A host that answers the question as told and records what it was asked, sent and told. */
function recordingHost(answer: boolean, send: () => Promise<CommandOutcome>) {
  const asked: ControlPlan[] = [];
  const sent: CommandRequest[] = [];
  const told: string[] = [];
  const host: ControlHost = {
    latestSnapshot: () => snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('codellama:13b', 7.4)] }) }),
    ask: (plan) => {
      asked.push(plan);
      return Promise.resolve(answer);
    },
    send: (request) => {
      sent.push(request);
      return send();
    },
    tell: (title, body) => told.push(`${title}|${body}`),
  };
  return { host, asked, sent, told };
}

describe('a control chosen from the tray or a notification', () => {
  it('asks with what it frees now, sends on a yes, and says it is done', async () => {
    const run = recordingHost(true, () => Promise.resolve({ ok: true, id: 'c1' }));
    expect(await runConfirmedControl(run.host, STOP)).toEqual({ ok: true, id: 'c1' });
    // Its VM goes now; Ollama keeps the model until it has been idle for its keep-alive.
    expect(run.asked.map((plan) => plan.confirm)).toEqual([
      'Stop Test Lead: frees its Erlang VM; Ollama unloads codellama:13b (7.4 GB) once idle for its keep-alive (5 minutes by default). ECHO keeps the role registered until its delegator restarts.',
    ]);
    expect(run.sent).toEqual([STOP]);
    expect(run.told).toEqual(['Test Lead stopped|']);
  });

  it('sends nothing on a no', async () => {
    const run = recordingHost(false, () => Promise.resolve({ ok: true, id: 'c1' }));
    expect(await runConfirmedControl(run.host, STOP)).toBeNull();
    expect(run.sent).toEqual([]);
    expect(run.told).toEqual([]);
  });

  it('says why not, whether refused, unanswered or unsendable', async () => {
    const refused = recordingHost(true, () =>
      Promise.resolve({ ok: false, id: 'c2', failure: 'refused', error: 'agent is busy' }),
    );
    await runConfirmedControl(refused.host, STOP);
    expect(refused.told).toEqual(['Stop Test Lead: not done|Refused: agent is busy']);

    const broken = recordingHost(true, () =>
      Promise.reject(new Error('commands need the Redis registry, which is not configured')),
    );
    expect(await runConfirmedControl(broken.host, STOP)).toMatchObject({ ok: false, failure: 'not_sent' });
    expect(broken.told).toEqual(['Stop Test Lead: not done|Commands need the Redis registry, which is not configured']);
  });
});
