import type { PlannedMessage } from './echoMessages';
import { CATEGORY_WEIGHTS, TASKS } from './catalog';
import { chatter, delegationRequest, PRIORITIES, TASK_TYPES } from './workCatalog';
import type { Action, WorkHost } from './workHost';

/**
 * `delegate_task`: to the CEO alone when it runs (`Task delegation: <type>`),
 * else to every running agent (`Direct task: <type>`), one request id for
 * all; now and then `send_to_agent`, one agent's `Direct task from delegator`.
 */
export function planDelegation(host: WorkHost): Action | null {
  const up = host.upRoles();
  if (!host.writer.tables.messages || up.length === 0) return null;
  const { random } = host;
  const category = random.weighted(CATEGORY_WEIGHTS);
  const type = random.pick(TASK_TYPES[category] ?? ['general']);
  const description = random.pick(TASKS[category] ?? ['Routine work']);
  const context = { priority: random.weighted(PRIORITIES) };
  const at = host.clock.now();
  const requestId = `req_${String(at)}_${random.hex(8)}`;
  const task = { type, description, context };
  let messages: PlannedMessage[];
  if (random.chance(0.15)) {
    const role = random.pick(up);
    messages = [
      host.plan({
        from: 'delegator',
        to: role,
        type: 'request',
        subject: 'Direct task from delegator',
        content: { message: description, context },
      }),
    ];
  } else {
    const hierarchical = up.includes('ceo');
    messages = (hierarchical ? ['ceo'] : up).map((role) =>
      host.plan(delegationRequest(role, task, { id: requestId, hierarchical, at })),
    );
  }
  return async () => {
    for (const message of messages) await host.send(message);
    host.activity(`delegator sent ${type} to ${messages.map((message) => message.to).join(', ')}: ${description}`);
  };
}

/** One agent messages another, as ECHO's agents do between tasks. */
export function planChatter(host: WorkHost): Action | null {
  const up = host.upRoles();
  if (!host.writer.tables.messages || up.length === 0) return null;
  const from = host.random.pick(up);
  const { to, type, subject } = chatter(host.random, from);
  if (to === from) return null;
  const message = host.plan({ from, to, type, subject, content: { content: subject, from_role: from } });
  return async () => {
    await host.send(message);
  };
}
