import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../../src/main/core/views/metrics';
import { GIB, ok, ollamaModel, system } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const BUILD = { version: '0.1.0', commit: 'abc1234' };

const lines = (text: string, name: string): string[] => text.split('\n').filter((line) => line.startsWith(`${name}{`));

describe('the admission forecast in /metrics', () => {
  it('gives each category its verdict as the command line and the dashboard do, and what it would add', () => {
    const snapshot = snapshotAt(NOW, {
      ollama: ok({ models: [ollamaModel('deepseek-coder:33b', 18.5), ollamaModel('mistral:7b', 7, NOW + 90_000)] }),
    });
    const text = renderMetrics(snapshot, BUILD);
    const strategic = lines(text, 'delegator_forecast_verdict').filter((line) => line.includes('category="strategic"'));
    expect(strategic).toHaveLength(6);
    expect(strategic.filter((line) => line.endsWith(' 1'))).toEqual([
      'delegator_forecast_verdict{category="strategic",verdict="fits-after-eviction"} 1',
    ]);
    expect(snapshot.forecast.categories.find((entry) => entry.category === 'strategic')?.verdict).toBe(
      'fits-after-eviction',
    );
    expect(lines(text, 'delegator_forecast_need_bytes')).toContain(
      `delegator_forecast_need_bytes{category="strategic"} ${String(14 * GIB + 8 * GIB)}`,
    );
  });

  it('leaves the verdict out where no claim can be made, never a 0 for every state', () => {
    const text = renderMetrics(snapshotAt(NOW, { system: system({ totalBytes: 0, freeBytes: 0 }) }), BUILD);
    expect(lines(text, 'delegator_forecast_verdict')).toEqual([]);
    expect(lines(text, 'delegator_forecast_need_bytes')).toHaveLength(7);
  });
});
