import { ROLE_MODELS } from '../core/echoRoster';
import type { SeededRandom } from './random';

/** The forms an ECHO user starts agents in; `spawned` is a delegator's, and ECHO's spawns nothing (ECHO.md). */
export type UserForm = 'mcp' | 'autonomous';

export interface CrewMember {
  readonly role: string;
  readonly form: UserForm;
}

/**
 * The agents an ECHO user keeps running, the same for the same seed: three to
 * five of the roster's roles, every other one (the first among them) in
 * Claude Desktop's MCP form, the common one, the rest autonomous from their
 * app's folder. So both forms are always there.
 */
export function planStandingCrew(
  random: SeededRandom,
  roster: readonly string[] = Object.keys(ROLE_MODELS),
): CrewMember[] {
  const order = [...roster];
  // Fisher-Yates with the seeded generator.
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [order[index], order[other]] = [order[other] as string, order[index] as string];
  }
  const size = Math.min(order.length, random.int(3, 5));
  return order.slice(0, size).map((role, index) => ({ role, form: index % 2 === 0 ? 'mcp' : 'autonomous' }));
}

/** How a person reading the activity sees the form. */
export function describeForm(member: CrewMember): string {
  return member.form === 'mcp'
    ? `MCP mode, agents/${member.role}/${member.role} with stdin held`
    : `autonomous, ./${member.role} --autonomous in apps/${member.role}`;
}
