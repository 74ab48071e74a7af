import { formatRole } from '../../shared/format';
import { echoTimestamp } from './delegatorWriter';
import type { LlmSessionRow, LlmTurn } from './echoRecords';
import type { SeededRandom } from './random';

/** `EchoShared.LLM.Session`: the turns kept in a conversation's history. */
const KEPT_TURNS = 5;
/** ECHO deletes a session after an hour without a query. */
export const LLM_IDLE_MS = 3_600_000;

interface Conversation {
  readonly sessionId: string;
  readonly createdAt: number;
  readonly startupContext: string;
  readonly history: LlmTurn[];
  turns: number;
  lastQueryAt: number;
  /** After this many turns the agent's next question starts a new session. */
  readonly lasts: number;
}

/** The system prompt of `Config.get_system_prompt`, in our words: its size is what matters to the estimate. */
function systemPrompt(role: string): string {
  return (
    `You are the ${formatRole(role)} of ECHO, an organisation of autonomous agents. ` +
    'Answer as your role would: be specific, name owners and next steps, and say when a question belongs to another role. ' +
    'Keep answers short unless asked for detail.'
  );
}

/** What `ContextBuilder.build_startup_context` gives a role: its standing, the organisation, recent work. */
function startupContext(role: string, random: SeededRandom): string {
  const recent = Array.from(
    { length: random.int(4, 12) },
    (_, index) => `- ${String(index + 1)}. ${random.pick(RECENT)}`,
  );
  return [
    `# Startup context for ${formatRole(role)}`,
    '## Organisation',
    'ECHO: nine agents (CEO, CTO, CHRO, Operations Head, Product Manager, Senior Architect, UI/UX Engineer, Senior Developer, Test Lead) coordinating over PostgreSQL and Redis.',
    '## Recent activity',
    ...recent,
    '## Guidelines',
    'Decisions within your authority are yours; escalate the rest with a recommendation.',
  ].join('\n');
}

const RECENT = [
  'Decision on caching layer approved by consensus',
  'Sprint review: two features shipped, one slipped',
  'Budget allocation for build runners',
  'Incident review scheduled for the search outage',
  'Hiring requisition for a senior engineer opened',
  'Design system tokens updated for accessibility',
  'Release candidate passed the quality gate',
];

/** The estimate ECHO makes: characters over four, of everything a query sends. */
const tokens = (texts: readonly string[]): number => Math.floor(texts.reduce((sum, text) => sum + text.length, 0) / 4);

/**
 * Each agent's conversation with its model, as `EchoShared.LLM.Session` keeps
 * it in `llm_sessions`: a session per conversation (`<role>_<unix s>_<n>`),
 * its turns, the last five of them, and `total_tokens`, ECHO's estimate of
 * what the latest query sent (system prompt, startup context, the kept turns
 * and the question): so it grows with the turns kept. One per role, in memory;
 * a session idle an hour is gone from the table, and the next call starts one.
 */
export class LlmConversations {
  private readonly conversations = new Map<string, Conversation>();

  constructor(private readonly random: SeededRandom) {}

  /** The row after the role's next model call, asked `question` and answering `response`, at `at`. */
  call(role: string, question: string, response: string, at: number): LlmSessionRow {
    let conversation = this.conversations.get(role);
    if (
      conversation === undefined ||
      conversation.turns >= conversation.lasts ||
      at - conversation.lastQueryAt >= LLM_IDLE_MS
    ) {
      conversation = {
        sessionId: `${role}_${String(Math.floor(at / 1000))}_${String(this.random.int(1, 999_999))}`,
        createdAt: at,
        startupContext: startupContext(role, this.random),
        history: [],
        turns: 0,
        lastQueryAt: at,
        lasts: this.random.int(3, 12),
      };
      this.conversations.set(role, conversation);
    }
    const prompt = systemPrompt(role);
    const sent = [
      prompt,
      conversation.startupContext,
      ...conversation.history.flatMap((turn) => [turn.question, turn.response]),
      question,
    ];
    conversation.history.unshift({ question, response, timestamp: echoTimestamp(at) });
    conversation.history.splice(KEPT_TURNS);
    conversation.turns += 1;
    conversation.lastQueryAt = at;
    return {
      sessionId: conversation.sessionId,
      role,
      startupContext: conversation.startupContext,
      history: [...conversation.history],
      turns: conversation.turns,
      totalTokens: tokens(sent),
      createdAt: conversation.createdAt,
      lastQueryAt: at,
    };
  }
}
