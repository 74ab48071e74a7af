/**
 * Telling an ECHO agent's process by its command line.
 *
 * The delegator starts agent `<role>` as `<echo root>/apps/<role>/<role> --autonomous`.
 * That file is an escript, so the process the OS lists is the Erlang VM
 * (`beam.smp`, `erl.exe`), and the script's path and `--autonomous` are among
 * its arguments, e.g. on Debian's OTP 25:
 *   `/home/ana/echo/apps/ceo/ceo -B -- -root /usr/lib/erlang ... -extra /home/ana/echo/apps/ceo/ceo --autonomous`
 * Listings join arguments with spaces (Linux, macOS) or quote them (Windows),
 * so the command line is searched as text rather than split into arguments:
 * splitting cannot be done right for a root with spaces in an unquoted listing.
 */

const ROLE = '[a-z][a-z0-9_]*';

/**
 * `apps/<role>/<role>` with either separator. It must start a path segment (so
 * `myapps/ceo/ceo` is not it) and end its argument (so `apps/ceo/ceo.log` and
 * `apps/ceo/ceo/x` are not it); `\1` makes both segments the same role.
 * A quote may stand on either side, as Windows quotes paths with spaces.
 */
const SCRIPT_PATH = new RegExp(`(?:^|[\\\\/\\s"'])apps[\\\\/](${ROLE})[\\\\/]\\1(?=$|[\\s"'])`, 'g');

/** `--autonomous` as an argument of its own: not `--autonomously`, not `x--autonomous`. */
const AUTONOMOUS_FLAG = /(?:^|[\s"'])--autonomous(?=$|[\s"'])/;

/** The program's file name, lower-cased: the first argument, quoted or not. */
function programName(commandLine: string): string {
  const line = commandLine.trimStart();
  const program = line.startsWith('"') ? line.slice(1).split('"')[0] : line.split(/\s/)[0];
  return (program ?? '').split(/[\\/]/).at(-1)?.toLowerCase() ?? '';
}

/**
 * On Windows `escript.exe` cannot replace itself with the VM as it does
 * elsewhere (execvp): it starts `erl.exe` with the same script and arguments
 * and waits for it (OTP's erts/etc/common/escript.c). That launcher holds no
 * agent, and ending it would leave the VM running, so it is not the agent.
 */
const LAUNCHERS: ReadonlySet<string> = new Set(['escript', 'escript.exe']);

/**
 * The ECHO role whose agent this command line runs, or null when it is not an
 * agent: the script's path `apps/<role>/<role>`, then, later, `--autonomous`.
 * The flag must come after the path, as the VM's `-extra` puts the script's own
 * arguments after it; the flag somewhere before it belongs to something else.
 */
export function agentRoleOf(commandLine: string, root: string | null = null): string | null {
  if (LAUNCHERS.has(programName(commandLine))) return null;
  const role = scriptRoleOf(commandLine);
  return role !== null && (root === null || underRoot(commandLine, root, role)) ? role : null;
}

/** `/`-separated, without a trailing separator, so Windows and Unix paths compare alike. */
const slashed = (path: string): string => path.replaceAll('\\', '/').replace(/\/+$/, '');

/** Whether the agent's script is the one under this ECHO root: `<root>/apps/<role>/<role>`. */
function underRoot(commandLine: string, root: string, role: string): boolean {
  return slashed(commandLine).includes(`${slashed(root)}/apps/${role}/${role}`);
}

function scriptRoleOf(commandLine: string): string | null {
  let role: string | null = null;
  for (const match of commandLine.matchAll(SCRIPT_PATH)) {
    const after = commandLine.slice(match.index + match[0].length);
    // The last path that the flag follows is the script's: the VM names it twice on some platforms.
    if (match[1] !== undefined && AUTONOMOUS_FLAG.test(after)) role = match[1];
  }
  return role;
}

/** The environment variable the delegator sets to the agent's model: `senior_developer` → `SENIOR_DEVELOPER_MODEL`. */
export function modelVariableOf(role: string): string {
  return `${role.toUpperCase()}_MODEL`;
}
