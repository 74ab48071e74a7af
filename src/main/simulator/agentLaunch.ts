import { basename, join, parse } from 'node:path';

/**
 * How an agent is started, as ECHO's users start them (ECHO.md, "How agents run"):
 * - `mcp`: Claude Desktop's form, the common one: `<root>/agents/<role>/<role>`
 *   with no flag, its stdin a pipe the launcher holds; it ends when stdin ends.
 * - `autonomous`: `cd <root>/apps/<role> && ./<role> --autonomous`; it ignores
 *   stdin and runs until it is signalled.
 * - `spawned`: as a delegator that can spawn (the guide-integrated ECHO) starts
 *   it: `<root>/apps/<role>/<role> --autonomous` by its absolute path, from the
 *   delegator's own folder, with `<ROLE>_MODEL` and `AGENT_AUTONOMOUS=true`.
 */
export type LaunchForm = 'mcp' | 'autonomous' | 'spawned';

/** What runs an agent's script: the Erlang VM, as ECHO's, or a Node stand-in where Erlang is not installed. */
export type AgentVm = 'erlang' | 'node';

export interface AgentRuntime {
  readonly vm: AgentVm;
  /** The executables' file names the OS shows for the agents' processes. */
  readonly executables: readonly string[];
}

export interface AgentLaunch {
  readonly role: string;
  readonly form: LaunchForm;
  /** The model a delegator names in `<ROLE>_MODEL`; only the `spawned` form carries it. */
  readonly model?: string;
}

/** Everything `spawn` needs, decided without touching the system. */
export interface LaunchPlan {
  /** Where the agent's program is written. */
  readonly script: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the launcher's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** `pipe` for the forms that end when stdin ends; the others read nothing. */
  readonly stdin: 'pipe' | 'ignore';
}

export interface LaunchContext {
  readonly vm: AgentVm;
  /** The ECHO root the simulator made. */
  readonly root: string;
  /** The Node executable that runs a stand-in (`process.execPath`). */
  readonly nodePath: string;
  /** The launcher's own working directory, which a spawned agent inherits. */
  readonly launcherCwd: string;
}

/** ECHO's variable for an agent's model: `senior_developer` → `SENIOR_DEVELOPER_MODEL`. */
export const modelVariable = (role: string): string => `${role.toUpperCase()}_MODEL`;

/** A role becomes a path and a variable name, so only plain names are taken. */
export function isSafeRole(role: string): boolean {
  return /^[a-z0-9_]+$/i.test(role);
}

/** `<root>/agents/<role>/<role>` for Claude Desktop's form, `<root>/apps/<role>/<role>` for the others. */
export function scriptPathOf(root: string, role: string, form: LaunchForm): string {
  return join(root, form === 'mcp' ? 'agents' : 'apps', role, role);
}

/** The file names the OS shows for a VM's process: the Erlang VM's on Unix, Node's own for a stand-in. */
export function runtimeOf(vm: AgentVm, nodePath: string): AgentRuntime {
  return { vm, executables: vm === 'erlang' ? ['beam.smp'] : [basename(nodePath)] };
}

/**
 * How to start one agent. An escript is started by its own path, its shebang
 * (`#!/usr/bin/env escript`) doing the rest, so the pid spawned is the VM's
 * (escript execs it). A stand-in is the script's path after Node's, which is
 * what the monitor reads past argv[0] for a stand-in.
 */
export function launchPlan(agent: AgentLaunch, context: LaunchContext): LaunchPlan {
  const script = scriptPathOf(context.root, agent.role, agent.form);
  // Node's environment for its stand-ins: run as Node inside Electron too.
  const vmEnv: Record<string, string> = context.vm === 'node' ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  const program = (path: string, args: readonly string[]) =>
    context.vm === 'erlang' ? { command: path, args } : { command: context.nodePath, args: [path, ...args] };
  switch (agent.form) {
    case 'mcp':
      // Claude Desktop starts its servers from the file system's root.
      return { script, ...program(script, []), cwd: parse(script).root, env: vmEnv, stdin: 'pipe' };
    case 'autonomous':
      return {
        script,
        ...program(`./${agent.role}`, ['--autonomous']),
        cwd: join(context.root, 'apps', agent.role),
        env: vmEnv,
        stdin: 'ignore',
      };
    case 'spawned': {
      const env: Record<string, string> = { ...vmEnv, AGENT_AUTONOMOUS: 'true' };
      if (agent.model !== undefined) env[modelVariable(agent.role)] = agent.model;
      return { script, ...program(script, ['--autonomous']), cwd: context.launcherCwd, env, stdin: 'ignore' };
    }
  }
}

/**
 * How many MB an agent holds beyond its VM's own: 4 to 34, the same for the
 * same role, so each agent's process shows a modest size of its own. Not
 * more: every megabyte is work at the agent's start.
 */
export function heldMegabytes(role: string): number {
  let spread = 0;
  for (const char of role) spread = (spread + char.charCodeAt(0)) % 31;
  return 4 + spread;
}
