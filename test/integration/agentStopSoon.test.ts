import { afterAll, describe, expect, it } from 'vitest';
import { GRACE_MS } from '../../src/main/simulator/agentReaper';
import { AgentProcesses } from '../../src/main/simulator/agentSpawner';
import { erlangMissing } from '../support/simulatedAgents';

const missing = await erlangMissing();

describe.skipIf(missing !== null)("a simulated agent's VM stopped while it starts", () => {
  const agents = new AgentProcesses({ vm: 'erlang' });
  afterAll(async () => {
    await agents.close();
  });

  // The VM drops SIGTERM for a while during its start; once, a Stop then waited out the whole grace period.
  it.each([20, 80, 120, 160, 220])('ends on SIGTERM %i ms after its spawn, before the grace period', async (wait) => {
    await agents.launch({ role: 'cto', form: 'autonomous' }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, wait));
    const started = Date.now();
    await agents.stop('cto');
    expect(Date.now() - started).toBeLessThan(GRACE_MS);
  });
});
