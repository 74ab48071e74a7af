import { describe, expect, it } from 'vitest';
import { listingWanted } from '../../src/main/core/listingWanted';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T15:00:00Z');

describe('listingWanted', () => {
  const base = snapshotAt(NOW);
  const first = base.agents?.[0];
  if (first === undefined) throw new Error('the fixture snapshot has agents');
  const beating = { ...first, role: 'cto', origins: ['heartbeat' as const], subscribers: null };

  it('asks for a listing now for an agent that beats with no process known here and no warning yet', () => {
    expect(listingWanted({ ...base, agents: [beating], warnings: [] })).toBe(true);
  });

  it('asks nothing once its process is found, once the warning stands, or for one that runs on another host', () => {
    expect(listingWanted({ ...base, agents: [{ ...beating, origins: ['heartbeat', 'process'] }], warnings: [] })).toBe(
      false,
    );
    expect(
      listingWanted({
        ...base,
        agents: [beating],
        warnings: [{ kind: 'agent-process-gone', role: 'cto', message: '…' }],
      }),
    ).toBe(false);
    expect(listingWanted({ ...base, agents: [{ ...beating, subscribers: 1 }], warnings: [] })).toBe(false);
    expect(listingWanted({ ...base, agents: null, warnings: [] })).toBe(false);
  });
});
