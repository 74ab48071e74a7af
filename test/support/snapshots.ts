import { advancePipeline, initialPipelineState, type PipelineState } from '../../src/main/core/pipeline';
import type { Snapshot } from '../../src/shared/model';
import { readingsAt, SETTINGS, type ReadingsOverrides } from './readings';

/** Snapshots made the way the monitor makes them, from readings, poll after poll. */
export class SnapshotMaker {
  private state: PipelineState = initialPipelineState();

  next(now: number, readings: ReadingsOverrides = {}): Snapshot {
    const step = advancePipeline(this.state, readingsAt(now, readings), SETTINGS);
    this.state = step.state;
    return step.snapshot;
  }
}

export function snapshotAt(now: number, readings: ReadingsOverrides = {}): Snapshot {
  return new SnapshotMaker().next(now, readings);
}
