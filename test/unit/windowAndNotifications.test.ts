import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NotificationIntent } from '../../src/main/core/alerts/engine';
import { planNotification } from '../../src/main/core/views/notificationPlan';
import { DEFAULT_BOUNDS, loadWindowBounds, saveWindowBounds } from '../../src/main/desktop/windowState';
import { GIB } from '../support/bytes';

describe('the dashboard window', () => {
  it('remembers its size and place, and falls back to defaults on a damaged file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'window-'));
    try {
      const path = join(dir, 'window.json');
      expect(await loadWindowBounds(path)).toEqual(DEFAULT_BOUNDS);
      await saveWindowBounds(path, { x: 40, y: 30, width: 1000.4, height: 700 });
      expect(await loadWindowBounds(path)).toEqual({ x: 40, y: 30, width: 1000, height: 700 });
      await writeFile(path, '{"width": 10');
      expect(await loadWindowBounds(path)).toEqual(DEFAULT_BOUNDS);
      await writeFile(path, '{"width": 10, "height": 10}');
      expect(await loadWindowBounds(path)).toEqual(DEFAULT_BOUNDS);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('planNotification', () => {
  const alert = {
    id: 'memory-vs-ram',
    rule: 'memory-vs-ram',
    severity: 'critical' as const,
    since: '2026-11-24T14:00:00.000Z',
    message: "Agents use 30 GB, 94% of this machine's 32 GB RAM.",
    culprit: { kind: 'agent' as const, id: 'cto', label: 'CTO (deepseek-coder:33b)', memoryBytes: 33 * GIB },
    suggestedAction: 'Stop CTO: frees ~33 GB',
  };
  const intent = (kind: NotificationIntent['kind']): NotificationIntent => ({
    kind,
    alert,
    title: 'Critical: CTO (deepseek-coder:33b)',
    body: 'Agents use 30 GB. Stop CTO: frees ~33 GB.',
  });

  it('opens the dashboard on the culprit with its control focused, and offers the suggested action as a button', () => {
    expect(planNotification(intent('raised'))).toEqual({
      title: 'Critical: CTO (deepseek-coder:33b)',
      body: 'Agents use 30 GB. Stop CTO: frees ~33 GB.',
      urgency: 'critical',
      focus: { kind: 'agent', id: 'cto', control: true },
      action: { label: 'Stop CTO…', request: { type: 'stop_agent', role: 'cto' } },
    });
  });

  it('offers ending a long session, and nothing for a recovery or a source', () => {
    const session = {
      ...alert,
      rule: 'session-duration',
      culprit: { kind: 'session' as const, id: 'session_1', label: 'session_1' },
      suggestedAction: 'End session session_1 if its work is done',
    };
    expect(planNotification({ kind: 'raised', alert: session, title: 't', body: 'b' }).action).toEqual({
      label: 'End session session_1…',
      request: { type: 'end_session', sessionId: 'session_1' },
    });
    expect(planNotification(intent('resolved'))).toMatchObject({ action: null, focus: { kind: 'agent', id: 'cto' } });
    const source = {
      ...alert,
      culprit: { kind: 'source' as const, id: 'registry', label: 'Registry' },
      suggestedAction: 'Check that Redis is running and reachable',
    };
    expect(planNotification({ kind: 'raised', alert: source, title: 't', body: 'b' }).action).toBeNull();
  });

  it('marks reminders and quiets recoveries', () => {
    expect(planNotification(intent('repeat')).title).toBe('Critical: CTO (deepseek-coder:33b) (still)');
    expect(planNotification(intent('resolved')).urgency).toBe('low');
  });
});
