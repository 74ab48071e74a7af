import type { SpanEnd, TimelineMark, TimelineSpan } from '../../store/selectors/sessionTimeline';

/** Agents run; models are loaded: each row's words. */
export type LaneKind = 'agent' | 'model';

const WORDS = {
  agent: { began: 'spawned', already: 'already running', still: 'still running', stopped: 'stopped' },
  model: { began: 'loaded', already: 'already loaded', still: 'still loaded', stopped: 'unloaded' },
} as const;

const ENDINGS: Readonly<Record<Exclude<SpanEnd, 'on' | 'unseen'>, string>> = {
  stopped: 'stopped',
  crashed: 'crashed',
  unloaded: 'unloaded',
};

/**
 * A span in words, for its label and the details line: when it began, or that
 * it was already on when the monitor began watching, and how it ended, or that
 * its end went unseen.
 */
export function spanText(
  name: string,
  kind: LaneKind,
  span: TimelineSpan,
  timeOf: (instant: number) => string,
): string {
  const words = WORDS[kind];
  const began =
    span.startedAt === null
      ? `${words.already} at ${timeOf(span.from)}`
      : `${words.began} at ${timeOf(span.startedAt)}`;
  let ended: string;
  if (span.end === 'on') ended = `${words.still} at ${timeOf(span.to)}`;
  else if (span.end === 'unseen')
    ended = `last seen by ${timeOf(span.to)}: it ${words.stopped} while the monitor was not watching`;
  else ended = `${ENDINGS[span.end]} at ${timeOf(span.endedAt ?? span.to)}`;
  return `${name}: ${began}, ${ended}`;
}

export function markText(mark: TimelineMark, timeOf: (instant: number) => string): string {
  return `${timeOf(mark.at)}: ${mark.text}`;
}
