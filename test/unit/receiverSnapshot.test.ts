import { describe, expect, it } from 'vitest';
import { advancePipeline, initialPipelineState } from '../../src/main/core/pipeline';
import { renderMetrics } from '../../src/main/core/views/metrics';
import { snapshotSchema, type ReceiverHealth } from '../../src/shared/model';
import { readingsAt, SETTINGS } from '../support/readings';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const BUILD = { version: '1.0.0', commit: 'abc' };

const PAGER: ReceiverHealth = {
  name: 'pager',
  kind: 'ntfy',
  minLevel: 'critical',
  state: 'failing',
  failingSince: '2026-11-24T14:20:00.000Z',
  lastError: 'answered HTTP 503: maintenance',
  lastOkAt: null,
  queued: 2,
  delivered: 5,
  dropped: 1,
};

const snapshotWith = (receivers: readonly ReceiverHealth[] | null) =>
  advancePipeline(initialPipelineState(), { ...readingsAt(NOW), receivers }, SETTINGS).snapshot;

describe("the receivers' health in the snapshot", () => {
  it('is read like a source, and kept by the shared schema', () => {
    const snapshot = snapshotWith([PAGER]);
    expect(snapshot.receivers).toEqual([PAGER]);
    expect(snapshotSchema.parse(JSON.parse(JSON.stringify(snapshot))).receivers).toEqual([PAGER]);
  });

  it('is absent where nothing sends, so such a snapshot is as it always was', () => {
    const snapshot = snapshotWith(null);
    expect('receivers' in snapshot).toBe(false);
    expect(renderMetrics(snapshot, BUILD)).not.toContain('delegator_alert_receiver');
  });

  it('is in /metrics, one series per receiver', () => {
    const text = renderMetrics(snapshotWith([PAGER, { ...PAGER, name: 'hook', kind: 'webhook', state: 'ok' }]), BUILD);
    expect(text).toContain('delegator_alert_receiver_up{receiver="pager",kind="ntfy"} 0\n');
    expect(text).toContain('delegator_alert_receiver_up{receiver="hook",kind="webhook"} 1\n');
    expect(text).toContain('delegator_alert_receiver_queued{receiver="pager",kind="ntfy"} 2\n');
    expect(text).toContain('delegator_alert_receiver_delivered_total{receiver="pager",kind="ntfy"} 5\n');
    expect(text).toContain('delegator_alert_receiver_dropped_total{receiver="pager",kind="ntfy"} 1\n');
  });
});
