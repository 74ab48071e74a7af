import type { Alert, Culprit, Severity } from '../../../shared/model';
import { LEVEL_RANK, type Level } from './level';
import type { SnapshotBase } from '../snapshot';
import { ALERT_RULES, type AlertRule, type Observation } from './rules';
import type { AlertSettings } from '../../../shared/alertSettings';

/** What the engine remembers of one rule between polls. */
interface RuleState {
  readonly firing: Level;
  /** A higher level seen on consecutive polls, not yet held long enough to fire. */
  readonly pending: { readonly level: Level; readonly polls: number } | null;
  readonly since: number | null;
  readonly lastNotifiedAt: number | null;
  /** A notification held back by a snooze, sent if the alert still fires when the snooze ends. */
  readonly owed: boolean;
  readonly last: Extract<Observation, { kind: 'level' }> | null;
}

export interface AlertEngineState {
  readonly rules: ReadonlyMap<string, RuleState>;
  readonly snoozedUntil: number | null;
}

export const INITIAL_ALERT_STATE: AlertEngineState = { rules: new Map(), snoozedUntil: null };

const QUIET: RuleState = { firing: 'ok', pending: null, since: null, lastNotifiedAt: null, owed: false, last: null };

/** What a host should tell the user; hosts decide how (a native notification, a log line). */
export interface NotificationIntent {
  readonly kind: 'raised' | 'escalated' | 'repeat' | 'resolved';
  readonly alert: Alert;
  readonly title: string;
  readonly body: string;
}

function isSnoozed(state: AlertEngineState, now: number): boolean {
  return state.snoozedUntil !== null && now < state.snoozedUntil;
}

function toAlert(rule: AlertRule, state: RuleState): Alert | null {
  if (state.firing === 'ok' || state.last === null || state.since === null) return null;
  return {
    id: rule.id,
    rule: rule.id.split(':')[0] ?? rule.id,
    severity: state.firing,
    since: new Date(state.since).toISOString(),
    message: state.last.message,
    culprit: state.last.culprit,
    suggestedAction: state.last.suggestedAction,
  };
}

function titleFor(kind: NotificationIntent['kind'], severity: Severity, culprit: Culprit | null): string {
  const about = culprit ? `: ${culprit.label}` : '';
  if (kind === 'resolved') return `Recovered${about}`;
  return `${severity === 'critical' ? 'Critical' : 'Warning'}${about}`;
}

function intentFor(kind: NotificationIntent['kind'], alert: Alert): NotificationIntent {
  const action = alert.suggestedAction && kind !== 'resolved' ? ` ${alert.suggestedAction}.` : '';
  return { kind, alert, title: titleFor(kind, alert.severity, alert.culprit), body: `${alert.message}${action}` };
}

/** One rule's step: the pending period, hysteresis (in the rule), reminders and recovery. */
function step(
  previous: RuleState,
  observation: Observation,
  now: number,
  settings: AlertSettings,
): { state: RuleState; notify: NotificationIntent['kind'] | null } {
  if (observation.kind === 'frozen') return { state: { ...previous, pending: null }, notify: null };
  const { level } = observation;
  if (level === 'ok') {
    // Only an alert the user was told of earns a recovery notice.
    const told = previous.firing !== 'ok' && previous.lastNotifiedAt !== null;
    return { state: QUIET, notify: told ? 'resolved' : null };
  }
  if (LEVEL_RANK[level] > LEVEL_RANK[previous.firing]) {
    const polls = previous.pending?.level === level ? previous.pending.polls + 1 : 1;
    if (polls < settings.pendingPolls) {
      return { state: { ...previous, pending: { level, polls }, last: observation }, notify: null };
    }
    return {
      state: { ...previous, firing: level, pending: null, since: previous.since ?? now, last: observation },
      notify: previous.firing === 'ok' ? 'raised' : 'escalated',
    };
  }
  // Holding, or eased from critical to warning: no news, but a reminder once one is due.
  const due = previous.lastNotifiedAt !== null && now - previous.lastNotifiedAt >= settings.repeatIntervalMs;
  return { state: { ...previous, firing: level, pending: null, last: observation }, notify: due ? 'repeat' : null };
}

/**
 * Advances every rule by one snapshot. Returns the alerts now firing and what
 * to tell the user. While snoozed nothing is told: a raise or reminder is owed
 * instead, and told when the snooze ends if the alert still fires.
 */
export function evaluateAlerts(
  state: AlertEngineState,
  snapshot: SnapshotBase,
  settings: AlertSettings,
  now: number,
): { state: AlertEngineState; alerts: Alert[]; intents: NotificationIntent[] } {
  const snoozed = isSnoozed(state, now);
  const rules = new Map<string, RuleState>();
  const alerts: Alert[] = [];
  const intents: NotificationIntent[] = [];
  for (const rule of ALERT_RULES) {
    const previous = state.rules.get(rule.id) ?? QUIET;
    const { state: next, notify } = step(previous, rule.observe(snapshot, previous.firing, settings), now, settings);
    const alert = toAlert(rule, next);
    if (alert) alerts.push(alert);
    if (snoozed) {
      rules.set(rule.id, {
        ...next,
        owed: alert !== null && (next.owed || (notify !== null && notify !== 'resolved')),
      });
      continue;
    }
    const kind = notify ?? (alert && next.owed ? 'raised' : null);
    const subject = kind === 'resolved' ? toAlert(rule, previous) : alert;
    if (kind && subject) {
      intents.push(intentFor(kind, subject));
      rules.set(rule.id, { ...next, owed: false, lastNotifiedAt: kind === 'resolved' ? null : now });
    } else {
      rules.set(rule.id, next);
    }
  }
  alerts.sort((a, b) => LEVEL_RANK[b.severity] - LEVEL_RANK[a.severity] || a.since.localeCompare(b.since));
  return { state: { rules, snoozedUntil: snoozed ? state.snoozedUntil : null }, alerts, intents };
}
