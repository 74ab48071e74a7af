import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { formatDuration, reasonWithoutSource, SOURCE_LABELS } from '../../shared/format';
import { sourceNameSchema, type Snapshot, type SourceName } from '../../shared/model';
import { escapeControls } from '../../shared/terminalText';
import { isDown } from '../core/sourceHealth';

/**
 * A source that could not be read for an answer. Every read tool names each
 * one its answer rests on, first in its text and in `sourcesDown`, and what
 * only that source could tell is null there: never a zero.
 */
export const downSourceSchema = z.object({
  source: sourceNameSchema,
  /** `stale`: what is shown is its last good reading, `ageSeconds` old; `error`: nothing from it is shown. */
  state: z.enum(['stale', 'error']),
  error: z.string(),
  ageSeconds: z.number().int().nonnegative().nullable(),
});
export type DownSource = z.infer<typeof downSourceSchema>;

/** The field every read tool's structured answer has. */
export const sourcesDownField = { sourcesDown: z.array(downSourceSchema) };

/** The sources among `among` that the snapshot's poll could not read. */
export function downSources(snapshot: Snapshot, among: readonly SourceName[] = sourceNameSchema.options): DownSource[] {
  return among.flatMap((source) => {
    const health = snapshot.sources[source];
    if (!isDown(health)) return [];
    return [
      {
        source,
        state: health.state === 'stale' ? 'stale' : 'error',
        error: reasonWithoutSource(source, health.error ?? 'no answer'),
        ageSeconds: health.ageSeconds,
      },
    ];
  });
}

/** A source that failed while a tool asked it, outside the poll. */
export function failedSource(source: SourceName, error: string): DownSource {
  return { source, state: 'error', error: reasonWithoutSource(source, error), ageSeconds: null };
}

/** `Ollama is DOWN, showing what it said 2m 5s ago: connect ECONNREFUSED …`. */
export function downLine(down: DownSource): string {
  const shown =
    down.state === 'stale' && down.ageSeconds !== null
      ? `, showing what it said ${formatDuration(down.ageSeconds)} ago`
      : ', so what only it can tell is unknown';
  return `${SOURCE_LABELS[down.source]} is DOWN${shown}: ${escapeControls(down.error)}`;
}

/** An answer: its text for people (the sources down first), its data for programs. */
export function answer(
  lines: readonly string[],
  structured: { readonly sourcesDown: readonly DownSource[] } & Record<string, unknown>,
): CallToolResult {
  const text = [...structured.sourcesDown.map(downLine), ...lines].join('\n');
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * No answer: a control that was not done, or no snapshot yet. A read tool
 * answers whatever is down; `isError` is for a call that did nothing.
 */
export function refusal(text: string, structured?: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    ...(structured === undefined ? {} : { structuredContent: structured }),
    isError: true,
  };
}
