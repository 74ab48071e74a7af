import { z } from 'zod';
import { errorText } from '../../shared/errorText';
import {
  OPERATIONS,
  type Held,
  type Implementations,
  type OperationName,
  type OperationResult,
} from '../../shared/operations';
import { EVENT_LOG_LIMIT } from '../../shared/series';
import { eventsText, historyText, statsText, type TextContext } from './operationTexts';
import { answer, failedSource, sourcesDownField } from './toolAnswers';
import { defineTool, READ_ONLY, type Tool } from './toolDefinition';

/** The dashboard's read operations offered as tools; another is one more entry in `operationTools` below. */
type ToolOperation = Extract<OperationName, 'getHistory' | 'getStats' | 'getEvents'>;

/** What an operation's implementation answers. */
type Answer<Name extends ToolOperation> = Held<OperationResult<Name>>;

/**
 * A tool made from an entry of the operations table: its description, its
 * arguments' schema and its answer's schema come from there, so the tool,
 * the dashboard's IPC and the web host's route take and give the same.
 */
interface OperationToolSpec<Name extends ToolOperation, Extra extends z.ZodRawShape> {
  readonly operation: Name;
  readonly name: string;
  readonly title: string;
  /** What a model needs beyond the table's line: how to fill the arguments, where to find today's date. */
  readonly guidance: string;
  /** Where the answer sits in `structuredContent`. */
  readonly key: string;
  /** Arguments the tool takes beyond the operation's own (a limit). */
  readonly extra: Extra;
  /** The answer as the tool gives it (cut to the limit, newest first); as the operation gave it by default. */
  readonly select?: (answer: Answer<Name>, extra: z.output<z.ZodObject<Extra>>) => Answer<Name>;
  readonly text: (answer: Answer<Name>, context: TextContext) => string[];
}

/** Mistakes of this program stay failures; anything else a query throws says PostgreSQL cannot answer now. */
const PROGRAM_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError] as const;

/** The table's object form, and what the tool adds, as one object: what a client lists and the SDK checks. */
function toolInput(named: z.ZodType<object>, extra: z.ZodRawShape, name: string): z.ZodType<object> {
  if (Object.keys(extra).length === 0) return named;
  if (!(named instanceof z.ZodObject))
    throw new Error(`${name}: only an operation whose arguments are an object takes more`);
  // safeExtend keeps a refinement across the fields (a range's ends in order), which extend refuses to.
  return named.safeExtend(extra);
}

export interface OperationToolParts {
  readonly served: Implementations<ToolOperation>;
  readonly context: () => TextContext;
}

function operationTool<Name extends ToolOperation, Extra extends z.ZodRawShape>(
  spec: OperationToolSpec<Name, Extra>,
  parts: OperationToolParts,
): Tool {
  const operation = OPERATIONS[spec.operation];
  const extraSchema = z.object(spec.extra);
  return defineTool({
    name: spec.name,
    title: spec.title,
    description: `${operation.description}. ${spec.guidance}`,
    input: toolInput(operation.arguments.named, spec.extra, spec.name),
    output: z.object({ [spec.key]: operation.result.nullable(), ...sourcesDownField }),
    annotations: READ_ONLY,
    async run(args) {
      // Each part of the arguments read by its own schema: the operation gets exactly what the table says it takes.
      const named = operation.arguments.named.parse(args);
      const extra = extraSchema.parse(args);
      let given: Answer<Name>;
      try {
        given = await parts.served[spec.operation](...operation.arguments.toPositional(named));
      } catch (error) {
        if (!operation.needsPostgres || PROGRAM_ERRORS.some((kind) => error instanceof kind)) throw error;
        return answer([`${spec.title}: unknown while PostgreSQL cannot answer.`], {
          [spec.key]: null,
          sourcesDown: [failedSource('postgres', errorText(error))],
        });
      }
      const selected = spec.select === undefined ? given : spec.select(given, extra);
      return answer(spec.text(selected, parts.context()), { [spec.key]: selected, sourcesDown: [] });
    },
  });
}

/** `history`, `stats` and `events`, each made from its operation. */
export function operationTools(parts: OperationToolParts): Tool[] {
  return [
    operationTool(
      {
        operation: 'getHistory',
        name: 'history',
        title: "A day's sessions",
        guidance:
          "`date` is a local calendar day, YYYY-MM-DD, in the user's zone (`summary` gives today's as `today`). Each session's category, status, start, duration, agents and description. An ECHO that records no sessions (`sessions` says so) has none to list.",
        key: 'sessions',
        extra: {},
        text: historyText,
      },
      parts,
    ),
    operationTool(
      {
        operation: 'getStats',
        name: 'stats',
        title: 'Session statistics',
        guidance:
          '`from` and `to` are local calendar days, YYYY-MM-DD, both included, `from` not after `to`. Counts by category and status, average duration and agents per session, and sessions per day: for questions such as how busy ECHO was this week.',
        key: 'stats',
        extra: {},
        text: statsText,
      },
      parts,
    ),
    operationTool(
      {
        operation: 'getEvents',
        name: 'events',
        title: 'Recent events',
        guidance:
          'Newest first, as many as `limit` (20 when absent), from the log this monitor has kept since it started: what changed, and when.',
        key: 'events',
        extra: {
          limit: z
            .number()
            .int()
            .min(1)
            .max(EVENT_LOG_LIMIT)
            .optional()
            .describe(`How many of the newest events, 1 to ${String(EVENT_LOG_LIMIT)}; 20 when absent`),
        },
        select: (events, { limit }) => [...events].reverse().slice(0, limit ?? 20),
        text: eventsText,
      },
      parts,
    ),
  ];
}
