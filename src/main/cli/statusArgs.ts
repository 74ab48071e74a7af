import { parseArgs } from 'node:util';
import { localDateSchema } from '../../shared/model';
import { DEFAULT_WATCH_SECONDS, MAX_WATCH_SECONDS, MIN_WATCH_SECONDS } from './limits';
import type { StatusOptions } from './statusCommand';
import { quoted } from './usageErrors';

/**
 * `--watch` takes its seconds optionally, and parseArgs has no optional
 * values: a bare `--watch` (last, or before another option) is given the
 * default here. `status` takes no other argument, so a word after it is its
 * value, even `-1`, which is then refused for what it is.
 */
function withWatchValue(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const given: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const next = args[index + 1];
    if (arg !== '--watch' || (end !== -1 && index > end)) given.push(arg);
    else if (next === undefined || next === '--' || (next.startsWith('-') && !/^-\d/.test(next)))
      given.push(`--watch=${DEFAULT_WATCH_SECONDS}`);
    else {
      // Joined, so parseArgs takes a negative number as the value rather than as an option of its own.
      given.push(`--watch=${next}`);
      index += 1;
    }
  }
  return given;
}

function watchSeconds(text: string): number {
  const seconds = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= MIN_WATCH_SECONDS && seconds <= MAX_WATCH_SECONDS)) {
    throw new Error(
      `--watch ${quoted(text)}: expected whole seconds from ${MIN_WATCH_SECONDS} to ${MAX_WATCH_SECONDS}`,
    );
  }
  return seconds;
}

/** `status`'s options, checked; a problem is thrown as one line for the usage error. */
export function parseStatus(args: readonly string[]): StatusOptions & { demo: boolean } {
  const { values } = parseArgs({
    args: withWatchValue(args),
    options: {
      json: { type: 'boolean', default: false },
      date: { type: 'string' },
      demo: { type: 'boolean', default: false },
      timings: { type: 'boolean', default: false },
      watch: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.date !== undefined) {
    const date = localDateSchema.safeParse(values.date);
    if (!date.success) throw new Error(`--date ${quoted(values.date)}: ${date.error.issues[0]?.message}`);
  }
  const watch = values.watch === undefined ? undefined : watchSeconds(values.watch);
  // Each would say something false of a run that goes on: the phases of one look, the history of a day other than
  // today.
  if (watch !== undefined && values.timings)
    throw new Error('--timings times a single look: it does not go with --watch');
  if (watch !== undefined && values.date !== undefined)
    throw new Error('--date does not go with --watch, which follows today');
  return {
    json: values.json,
    date: values.date,
    demo: values.demo,
    timings: values.timings,
    ...(watch !== undefined && { watchSeconds: watch }),
  };
}
