import { describe, expect, it } from 'vitest';
import {
  DELIVERY_LEDGER_LIMIT,
  deliveryKey,
  noteOf,
  toldBefore,
  withNote,
  type DeliveryNote,
} from '../../src/main/core/alerts/deliveryLedger';
import type { NotificationIntent } from '../../src/main/core/alerts/engine';
import { NO_FIRINGS_SENT, routeIntent, type FiringsSent } from '../../src/main/core/alerts/receiverRouting';
import type { Severity } from '../../src/shared/model';

const SINCE = '2026-11-24T14:00:00.000Z';
const HOUR = 3_600_000;
const START = Date.parse('2026-11-24T15:00:00Z');

function intent(
  kind: NotificationIntent['kind'],
  severity: Severity,
  since = SINCE,
  id = 'agent-count',
): NotificationIntent {
  return {
    kind,
    title: `${kind} ${severity}`,
    body: 'body',
    alert: { id, rule: id, severity, since, message: 'm', culprit: null, suggestedAction: null },
  };
}

/** Routes each notice in turn to one receiver and says which it was sent. */
function routeAll(minLevel: Severity, intents: readonly NotificationIntent[]): string[] {
  let sent: FiringsSent = NO_FIRINGS_SENT;
  const told: string[] = [];
  for (const each of intents) {
    const routed = routeIntent({ minLevel }, sent, each);
    sent = routed.sent;
    if (routed.send) told.push(`${each.kind} ${each.alert.severity}`);
  }
  return told;
}

describe('routeIntent', () => {
  const story = [
    intent('raised', 'warning'),
    intent('repeat', 'warning'),
    intent('escalated', 'critical'),
    intent('repeat', 'critical'),
    intent('repeat', 'warning'),
    intent('resolved', 'warning'),
  ];

  it('sends a warning-level receiver every notice of a firing, and its recovery', () => {
    expect(routeAll('warning', story)).toEqual([
      'raised warning',
      'repeat warning',
      'escalated critical',
      'repeat critical',
      'repeat warning',
      'resolved warning',
    ]);
  });

  it('sends a critical-level receiver only what reached critical, and the recovery of the firing it got', () => {
    expect(routeAll('critical', story)).toEqual(['escalated critical', 'repeat critical', 'resolved warning']);
  });

  it('sends no recovery to a receiver that never got the firing', () => {
    expect(routeAll('critical', [intent('raised', 'warning'), intent('resolved', 'warning')])).toEqual([]);
  });

  it('matches a recovery to its own firing: one that began later gets no earlier recovery', () => {
    const later = '2026-11-24T16:00:00.000Z';
    expect(routeAll('warning', [intent('raised', 'warning', later), intent('resolved', 'warning', SINCE)])).toEqual([
      'raised warning',
    ]);
  });

  it('keeps each alert apart', () => {
    expect(
      routeAll('warning', [
        intent('raised', 'warning', SINCE, 'a'),
        intent('raised', 'warning', SINCE, 'b'),
        intent('resolved', 'warning', SINCE, 'a'),
        intent('resolved', 'warning', SINCE, 'a'),
        intent('resolved', 'warning', SINCE, 'b'),
      ]),
    ).toEqual(['raised warning', 'raised warning', 'resolved warning', 'resolved warning']);
  });
});

describe('the delivery ledger', () => {
  const at = (ms: number): string => new Date(ms).toISOString();
  const note = (kind: DeliveryNote['kind'], severity: Severity, when: number, since = SINCE): DeliveryNote => ({
    receiver: 'phone',
    alertId: 'agent-count',
    kind,
    severity,
    since,
    at: at(when),
  });
  const timing = (now: number) => ({ now, runStartedAt: START, repeatIntervalMs: HOUR });

  it('keys a notice by receiver, alert, kind and firing', () => {
    expect(deliveryKey('phone', 'agent-count', 'raised', SINCE)).not.toBe(
      deliveryKey('phone', 'agent-count', 'resolved', SINCE),
    );
    expect(deliveryKey('a', 'b c', 'raised', SINCE)).not.toBe(deliveryKey('a b', 'c', 'raised', SINCE));
    expect(noteOf('phone', intent('raised', 'warning'), START)).toEqual(note('raised', 'warning', START));
  });

  it('finds the very notice sent before, but never takes a reminder for one', () => {
    const notes = [note('raised', 'warning', START + 1000)];
    expect(toldBefore(notes, 'phone', intent('raised', 'warning'), timing(START + 2000))).toBe('duplicate');
    expect(toldBefore(notes, 'other', intent('raised', 'warning'), timing(START + 2000))).toBeNull();
    const reminded = [note('repeat', 'warning', START + 1000)];
    expect(toldBefore(reminded, 'phone', intent('repeat', 'warning'), timing(START + 2000))).toBeNull();
  });

  it('takes a raise after a restart, of a firing told shortly before it, as that firing going on', () => {
    const before = [note('raised', 'warning', START - 10 * 60_000)];
    const raisedAgain = intent('raised', 'warning', at(START + 15_000));
    expect(toldBefore(before, 'phone', raisedAgain, timing(START + 15_000))).toBe('continues');
    // A reminder was due by then: the raise is sent, as the reminder would have been.
    expect(toldBefore(before, 'phone', raisedAgain, timing(START - 10 * 60_000 + HOUR))).toBeNull();
    // Worse than what was told is news.
    expect(toldBefore(before, 'phone', intent('raised', 'critical', at(START)), timing(START + 15_000))).toBeNull();
    // A firing that was told over is told again.
    const over = [...before, note('resolved', 'warning', START - 5 * 60_000)];
    expect(toldBefore(over, 'phone', raisedAgain, timing(START + 15_000))).toBeNull();
  });

  it('never takes a raise within one run for one going on: the engine decides that', () => {
    const thisRun = [note('raised', 'warning', START + 1000)];
    const next = intent('raised', 'warning', at(START + 60_000));
    expect(toldBefore(thisRun, 'phone', next, timing(START + 60_000))).toBeNull();
  });

  it('keeps the newest notes, up to its limit', () => {
    let notes: DeliveryNote[] = [];
    for (let index = 0; index < DELIVERY_LEDGER_LIMIT + 5; index += 1) {
      notes = withNote(notes, note('repeat', 'warning', START + index));
    }
    expect(notes).toHaveLength(DELIVERY_LEDGER_LIMIT);
    expect(notes.at(-1)?.at).toBe(at(START + DELIVERY_LEDGER_LIMIT + 4));
    expect(notes[0]?.at).toBe(at(START + 5));
  });
});
