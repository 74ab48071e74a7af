/**
 * Usage errors in docker's form: the problem on one line, then one line
 * pointing at the help that shows how it is done, never the whole usage
 * again; where a word is a typo of a command or an option, the one meant.
 */
import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import { EXIT, type ExitCode } from './exitCodes';
import { COMMAND_HELP, COMMAND_NAMES, PROGRAM, type CommandName } from './helpText';
import type { CliIo } from './output';

/** An argument that cannot be used: said in one line, with a pointer to the command's help. */
export class UsageError extends Error {}

/** An argument as typed, quoted, with any control character shown as an escape: it goes back to the terminal. */
export const quoted = (value: unknown): string => escapeControls(JSON.stringify(value));

/** What may follow the program's name: the commands, and the two that answer without running one. */
export const TOP_LEVEL_WORDS: readonly string[] = [...COMMAND_NAMES, 'help', 'version'];

/** Edit distance with a swap of two neighbours counting as one edit: `stauts` is one typo from `status`. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i += 1) {
    const row = rows[i] ?? [];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The nearest candidate within two edits, as docker and kubectl suggest;
 * none where two edits would rewrite most of what was typed (`ls` is no typo
 * of anything here). Case is ignored: `Status` means `status`.
 */
export function nearest(typed: string, candidates: readonly string[]): string | null {
  const lowered = typed.toLowerCase();
  let best: { name: string; distance: number } | null = null;
  for (const name of candidates) {
    const distance = editDistance(lowered, name);
    if (distance <= 2 && distance < lowered.length && (best === null || distance < best.distance))
      best = { name, distance };
  }
  return best?.name ?? null;
}

/** Follows a sentence that ends without its full stop. */
const didYouMean = (suggestion: string | null): string =>
  suggestion === null ? '' : `. Did you mean '${suggestion}'?`;

/** A command's long options as its help lists them: what a typo of one is held against. */
export function longOptionsOf(command: CommandName): string[] {
  return [...COMMAND_HELP[command].options.map(([flag]) => flag.split(' ')[0] ?? flag), '--help'];
}

/** A first word that is no command, or an option before any command. */
export function unknownWordText(word: string): string {
  if (!word.startsWith('-')) return `unknown command ${quoted(word)}${didYouMean(nearest(word, TOP_LEVEL_WORDS))}`;
  const meant = nearest(word.replace(/^-+/, ''), ['help', 'version']);
  return `unknown option ${quoted(word)}${meant === null ? ': the command comes first, then its options' : didYouMean(`--${meant}`)}`;
}

/** parseArgs's "Unknown option '--jsn'", with the option meant where the typo is near one the command takes. */
function withOptionMeant(message: string, command: CommandName, args: readonly string[]): string {
  const known = longOptionsOf(command);
  const end = args.indexOf('--');
  const typed = (end === -1 ? args : args.slice(0, end))
    .map((arg) => arg.split('=')[0] ?? arg)
    .find((name) => name.startsWith('--') && !known.includes(name));
  const meant =
    typed === undefined
      ? null
      : nearest(
          typed.slice(2),
          known.map((option) => option.slice(2)),
        );
  if (typed === undefined || meant === null) return message;
  const head = `Unknown option '${typed}'`;
  if (!message.startsWith(head)) return `${message.replace(/\.$/, '')}${didYouMean(`--${meant}`)}`;
  // Right after the option, before parseArgs's note on positional arguments, which a typo makes beside the point.
  return `${head}${didYouMean(`--${meant}`)}${message.slice(head.length).replace(/^\./, '')}`;
}

/** What a command's usage error says, on one line: the check's own words, or parseArgs's. */
export function usageMessage(error: unknown, command: CommandName, args: readonly string[]): string {
  if (!(error instanceof Error)) return errorText(error);
  const code = 'code' in error ? error.code : undefined;
  // parseArgs explains an ambiguous value over three lines, naming only the command's own options: joined, it stays one
  // line.
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return error.message.replaceAll('\n', ' ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return withOptionMeant(error.message, command, args);
  return error.message.trim() === '' ? errorText(error) : error.message;
}

/**
 * Says what is wrong and where the help is, and gives bad usage's exit code. `command`: null for the program's own
 * help.
 */
export function usageError(io: CliIo, message: string, command: CommandName | null): ExitCode {
  // Whatever was typed goes back to the terminal: escaped, so it can neither forge a line nor drive the terminal.
  io.err(`${PROGRAM}: ${escapeControls(message)}\nSee '${PROGRAM}${command === null ? '' : ` ${command}`} --help'.\n`);
  return EXIT.unknown;
}
