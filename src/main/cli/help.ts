/**
 * Help and version, as docker, kubectl and ollama give them: on stdout with
 * exit 0, each command's own help with `<command> --help`, answered before
 * any argument is checked or any command's modules load, so they need no
 * configuration and no database driver.
 */
import { packageRoot } from '../web/packageRoot';
import { EXIT, type ExitCode } from './exitCodes';
import { COMMAND_HELP, COMMAND_NAMES, PROGRAM, type CommandName } from './helpText';
import type { CliIo } from './output';
import { quoted, TOP_LEVEL_WORDS, unknownWordText, usageError } from './usageErrors';

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** Help fits a terminal of 100 columns without the terminal's own wrapping breaking a word. */
const WIDTH = 100;

/**
 * A synopsis's words: the command, then each option or argument, split before each; a bracketed option stays whole,
 * with what it brackets: `[--format csv|json]`, `[--cpu-window [MS]]`.
 */
function synopsisParts(form: string): string[] {
  const parts: string[] = [];
  let part = '';
  let depth = 0;
  for (let index = 0; index < form.length; index += 1) {
    const char = form.charAt(index);
    if (char === ' ' && depth === 0 && /[[<-]/.test(form.charAt(index + 1))) {
      parts.push(part);
      part = '';
    } else part += char;
    if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
  }
  return [...parts, part];
}

/** A synopsis too long for one line, wrapped between options and aligned under the first of them. */
function synopsisLines(lead: string, form: string): string[] {
  const [command = '', ...parts] = synopsisParts(form);
  const first = `${lead} ${PROGRAM} ${command}`;
  const lines = [first];
  for (const part of parts) {
    const last = lines.length - 1;
    const line = lines[last] ?? first;
    if (line === first || line.length + 1 + part.length <= WIDTH) lines[last] = `${line} ${part}`;
    else lines.push(`${' '.repeat(first.length)} ${part}`);
  }
  return lines;
}

/** Two aligned columns: flags and their meanings, codes and theirs. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

/** The overview: what `--help` prints, and what a bare `delegator-monitor` prints to stderr. */
export function overviewText(): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'What an ECHO delegator runs and what it costs: its agents, their models and memory, its sessions.',
    '',
    'Commands:',
    ...columns([
      ...COMMAND_NAMES.map((name) => [name, COMMAND_HELP[name].summary] as const),
      ['help', "A command's help: help <command>, or <command> --help"],
      ['version', 'The version of this program and of Node.js'],
    ]),
    '',
    'Options:',
    ...columns([
      ['-h, --help', 'Show this help'],
      ['-v, --version', 'Show the version'],
    ]),
    '',
    '--demo (on status, forecast, export, serve and mcp) runs on an embedded database with a simulated',
    'delegator: no services needed. Configuration comes from the environment: see the README.',
    '',
    `Run '${PROGRAM} <command> --help' for a command's options, exit codes and examples.`,
    '',
  ].join('\n');
}

/** `<command> --help`: synopsis, what it does, options each with its meaning, exit codes, examples. */
export function commandHelpText(name: CommandName): string {
  const help = COMMAND_HELP[name];
  return [
    ...help.synopsis.flatMap((form, index) => synopsisLines(index === 0 ? 'Usage:' : '      ', form)),
    '',
    `${help.summary}.`,
    ...help.about,
    '',
    'Options:',
    ...columns([...help.options, ['-h, --help', 'Show this help']]),
    '',
    'Exit codes:',
    ...columns(help.exitCodes.map(([code, meaning]) => [String(code), meaning] as const)),
    '',
    'Examples:',
    ...help.examples.map((example) => `  ${example}`),
    '',
    'Configuration comes from the environment (DATABASE_URL, REDIS_URL, ...): see the README.',
    '',
  ].join('\n');
}

/** This program's version, from package.json, and Node's, which decides much of how it behaves: for a bug report. */
export function versionText(): string {
  return `${PROGRAM} ${packageRoot()?.version ?? '(version unknown)'}\nNode.js ${process.version}\n`;
}

/** `-h` and `--help` ask for help wherever they stand among a command's arguments, up to a `--`. */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Answers a request for help or the version; null when the command line asks for neither. */
export function answerHelpOrVersion(first: string, rest: readonly string[], io: CliIo): ExitCode | null {
  const show = (text: string): ExitCode => {
    io.out(text);
    return EXIT.ok;
  };
  if (first === '--help' || first === '-h') return show(overviewText());
  if (first === 'help') {
    const [topic, ...extra] = rest;
    if (extra.length > 0)
      return usageError(io, `Unexpected argument ${quoted(extra[0])}: help takes one command`, null);
    if (topic !== undefined && isCommandName(topic)) return show(commandHelpText(topic));
    if (topic === undefined || ['--help', '-h', '--version', '-v', ...TOP_LEVEL_WORDS].includes(topic))
      return show(overviewText());
    return usageError(io, unknownWordText(topic), null);
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    if (asksForHelp(rest)) return show(overviewText());
    if (rest.length > 0) return usageError(io, `Unexpected argument ${quoted(rest[0])}: ${first} takes none`, null);
    return show(versionText());
  }
  if (isCommandName(first) && asksForHelp(rest)) return show(commandHelpText(first));
  return null;
}
