import { parseArgs } from 'node:util';
import { localDateSchema } from '../../shared/model';
import { DEFAULT_CPU_WINDOW_MS, MAX_CPU_WINDOW_MS, MIN_CPU_WINDOW_MS } from './cpuWindow';
import { DEFAULT_WATCH_SECONDS, MAX_WATCH_SECONDS, MIN_WATCH_SECONDS } from './limits';
import type { StatusOptions } from './statusCommand';
import { quoted } from './usageErrors';

/** The options whose value may be left out, each with the value it then takes. */
const OPTIONAL_VALUES: Readonly<Record<string, string>> = {
  '--watch': String(DEFAULT_WATCH_SECONDS),
  '--cpu-window': String(DEFAULT_CPU_WINDOW_MS),
};

/**
 * `--watch` and `--cpu-window` take their value optionally, and parseArgs has
 * no optional values: a bare one (last, or before another option) is given
 * its default here. `status` takes no other argument, so a word after one is
 * its value, even `-1`, which is then refused for what it is.
 */
function withOptionalValues(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const given: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const next = args[index + 1];
    const fallback = OPTIONAL_VALUES[arg];
    if (fallback === undefined || (end !== -1 && index > end)) given.push(arg);
    else if (next === undefined || next === '--' || (next.startsWith('-') && !/^-\d/.test(next)))
      given.push(`${arg}=${fallback}`);
    else {
      // Joined, so parseArgs takes a negative number as the value rather than as an option of its own.
      given.push(`${arg}=${next}`);
      index += 1;
    }
  }
  return given;
}

/** A whole number from `min` to `max` (at most 6 digits), or a usage error naming the option and the range. */
function wholeNumber(option: string, text: string, unit: string, min: number, max: number): number {
  const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max))
    throw new Error(`${option} ${quoted(text)}: expected whole ${unit} from ${String(min)} to ${String(max)}`);
  return value;
}

/** `status`'s options, checked; a problem is thrown as one line for the usage error. */
export function parseStatus(args: readonly string[]): StatusOptions & { demo: boolean } {
  const { values } = parseArgs({
    args: withOptionalValues(args),
    options: {
      json: { type: 'boolean', default: false },
      date: { type: 'string' },
      demo: { type: 'boolean', default: false },
      timings: { type: 'boolean', default: false },
      watch: { type: 'string' },
      'cpu-window': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.date !== undefined) {
    const date = localDateSchema.safeParse(values.date);
    if (!date.success) throw new Error(`--date ${quoted(values.date)}: ${date.error.issues[0]?.message}`);
  }
  const watch =
    values.watch === undefined
      ? undefined
      : wholeNumber('--watch', values.watch, 'seconds', MIN_WATCH_SECONDS, MAX_WATCH_SECONDS);
  const cpuWindow =
    values['cpu-window'] === undefined
      ? undefined
      : wholeNumber('--cpu-window', values['cpu-window'], 'milliseconds', MIN_CPU_WINDOW_MS, MAX_CPU_WINDOW_MS);
  // Each would say something false of a run that goes on: the phases of one look, the history of a day other than
  // today.
  if (watch !== undefined && values.timings)
    throw new Error('--timings times a single look: it does not go with --watch');
  if (watch !== undefined && values.date !== undefined)
    throw new Error('--date does not go with --watch, which follows today');
  if (watch !== undefined && cpuWindow !== undefined)
    throw new Error(
      "--cpu-window is for a single look: with --watch each frame's CPU is measured over the poll before it",
    );
  return {
    json: values.json,
    date: values.date,
    demo: values.demo,
    timings: values.timings,
    ...(watch !== undefined && { watchSeconds: watch }),
    ...(cpuWindow !== undefined && { cpuWindowMs: cpuWindow }),
  };
}
