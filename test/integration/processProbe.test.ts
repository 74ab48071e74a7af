import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeProcesses } from '../../src/main/sources/processes/processProbe';

let child: ChildProcess;
beforeAll(async () => {
  // A real process holding some memory, standing in for an agent.
  child = spawn(
    process.execPath,
    ['-e', 'const hold = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => hold[0], 1000);'],
    { stdio: 'ignore' },
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
});
afterAll(() => {
  child.kill('SIGKILL');
});

describe('probeProcesses', () => {
  it("reads a live process's resident memory", async () => {
    const pid = child.pid ?? 0;
    const reading = (await probeProcesses([pid])).get(pid);
    expect(reading?.alive).toBe(true);
    expect(reading?.rssBytes).toBeGreaterThan(64 * 1024 * 1024);
  });

  it('says a finished process is gone', async () => {
    const done = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => done.once('exit', resolve));
    const pid = done.pid ?? 0;
    expect((await probeProcesses([pid])).get(pid)).toEqual({ alive: false, rssBytes: null });
  });
});
