import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A state folder of the test's own for `serve` (XDG_STATE_HOME), so the key it makes is neither the runner's nor
 * another test's.
 */
export function stateHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'monitor-state-'));
}

/** The control key `serve` keeps under that state folder, as its user reads it. */
export async function controlKeyIn(home: string): Promise<string> {
  return (await readFile(join(home, 'delegator-monitor', 'control-key'), 'utf8')).trim();
}
