import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AgentProcessScanner } from '../src/main/sources/processes/agentProcessScanner';
import { startEchoAgentProcess, type StartedProcess } from '../test/support/echoAgentProcess';
import { percentile, progress, round, timed } from './stats';

const run = promisify(execFile);
/** Listings spaced as a monitor spaces them (every 30 s), never back to back. */
const apart = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 600));

/**
 * What finding ECHO's agents costs a poll, with `agents` agent processes
 * running: a scan that only measures the known pids (most polls), and one
 * that also lists every process (every sixth poll, or when a pid
 * disappears). The floor is the platform's own listing, `ps` of every
 * process with its arguments, started as a child process.
 */
export async function measureAgentScan(agents: number, scans: number) {
  progress(`agent scan: starting ${String(agents)} ECHO-like agent processes`);
  const started: StartedProcess[] = [];
  try {
    for (let index = 0; index < agents; index += 1)
      started.push(await startEchoAgentProcess({ role: `bench_agent_${String(index)}` }));
    const measuring: number[] = [];
    const listing: number[] = [];
    const floor: number[] = [];
    let found = 0;
    for (let round = 0; round < scans; round += 1) {
      // A fresh scanner lists on its first scan; its second only measures.
      // The agents here are Node stand-ins: `node` is named as the executable that runs them, as the demo names it.
      const scanner = new AgentProcessScanner({ listEvery: 1_000_000, extraVmExecutables: ['node'] });
      await apart();
      listing.push(await timed(() => scanner.scan()));
      measuring.push(
        await timed(async () => {
          const { value } = await scanner.scan();
          found = value.agents.filter((agent) => agent.role.startsWith('bench_agent_')).length;
        }),
      );
      floor.push(await timed(() => run('ps', ['-A', '-o', 'pid=,args='], { maxBuffer: 16 * 1024 * 1024 })));
    }
    return {
      agents,
      found,
      measuringP50Ms: round(percentile(measuring, 50)),
      measuringP99Ms: round(percentile(measuring, 99)),
      listingP50Ms: round(percentile(listing, 50)),
      listingP99Ms: round(percentile(listing, 99)),
      floorListingP50Ms: round(percentile(floor, 50)),
    };
  } finally {
    await Promise.all(started.map((agent) => agent.stop()));
  }
}
