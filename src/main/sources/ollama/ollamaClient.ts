import { z } from 'zod';
import { errorText } from '../../../shared/errorText';
import type { OllamaData, OllamaModel } from '../../core/readings';
import { type Screened } from '../screening';
import { parseJson } from '../../../shared/jsonLine';
import { describeIssues } from '../../../shared/zodIssues';
import { clipText, TEXT_LIMITS } from '../../../shared/clipText';
import { normalizeModel } from '../../../shared/modelName';
import { AnswerTooLarge, RedirectRefused, requestBounded } from './boundedHttp';

const envelopeSchema = z.object({ models: z.array(z.unknown()) });

/** Ollama holds a handful of models; past this many, only the biggest are listed and the rest counted. */
export const MODEL_LIMIT = 200;

/** No model takes a petabyte: a size past it is a broken answer, not a reading to add to the total. */
const PETABYTE = 2 ** 50;
const byteCount = z.number().int().nonnegative().max(PETABYTE, 'over 1 PB');

/** No model takes 0 bytes: a size of 0, or none, is a server that does not know it, not a model that takes nothing. */
const sizeOf = (size: number | undefined): number | null => (size === undefined || size === 0 ? null : size);

/**
 * One entry of `GET /api/ps`, as Ollama documents it; only what the monitor
 * uses is required. Ollama-compatible servers give less: Podman AI Lab answers
 * with name, model, size and digest only, and its size may be absent.
 */
const modelSchema = z
  .object({
    // A name a control unloads: cutting it would name another model, so a longer one is left out.
    name: z
      .string()
      .min(1)
      .max(TEXT_LIMITS.label, `longer than ${String(TEXT_LIMITS.label)} characters`),
    model: z.string().optional(),
    size: byteCount.optional(),
    // Ollama 0.1.38 to 0.1.41 left size_vram out when it was 0 (a model wholly in RAM), so absent reads as 0.
    size_vram: byteCount.optional(),
    expires_at: z.string().optional(),
  })
  // The part in GPU memory is part of the model; more of it than the whole would count memory that is not there.
  .refine(
    (entry) =>
      entry.size_vram === undefined || entry.size === undefined || entry.size === 0 || entry.size_vram <= entry.size,
    { message: 'more than size', path: ['size_vram'] },
  );

/** Biggest first; a model of unknown size before any, since it may be the biggest, so the list never leaves it out. */
function bySize(a: OllamaModel, b: OllamaModel): number {
  if (a.sizeBytes !== b.sizeBytes) {
    if (a.sizeBytes === null) return -1;
    if (b.sizeBytes === null) return 1;
    return b.sizeBytes - a.sizeBytes;
  }
  return a.name.localeCompare(b.name);
}

const ollamaErrorSchema = z.object({ error: z.string().min(1) });

/** Ollama's own reason in an error answer (`{"error": "..."}`), cut to an error's length; null when it gave none. */
export function ollamaErrorOf(text: string): string | null {
  const json = parseJson(text);
  const said = json.ok ? ollamaErrorSchema.safeParse(json.value) : null;
  return said?.success ? clipText(said.data.error, TEXT_LIMITS.message) : null;
}

/**
 * Why asking Ollama failed, as one line: a redirect refused, an answer too big, or "fetch failed" replaced by its cause
 * (ECONNREFUSED, ...).
 */
export function requestFailureText(error: unknown): string {
  if (error instanceof RedirectRefused) return `Ollama ${error.message}`;
  if (error instanceof AnswerTooLarge) return `Ollama: ${error.message}`;
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return clipText(`Ollama: ${errorText(cause)}`, TEXT_LIMITS.message);
}

/** Ollama writes nanoseconds and sometimes a far-future date for "never"; both read as an instant or null. */
function expiryOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const at = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(at) || at > Date.parse('9999-12-31T23:59:59Z') ? null : at;
}

/**
 * `/api/ps` came with Ollama 0.1.38 (ollama/ollama#4327); an older Ollama
 * answers 404 (gin's "404 page not found"), as does a server that is not Ollama.
 */
const NOT_FOUND_TEXT =
  'Ollama answered 404 to /api/ps: Ollama 0.1.38 or later is needed to see loaded models (this server may be older, or not Ollama)';

export class OllamaUnavailable extends Error {
  override readonly name = 'OllamaUnavailable';
}

/** Reads which models Ollama holds in memory. */
export class OllamaClient {
  constructor(
    /** Where Ollama answers, and how long any request to it may take; the unloader asks the same one. */
    readonly endpoint: string,
    readonly timeoutMs: number,
  ) {}

  async residentModels(): Promise<Screened<OllamaData>> {
    const url = new URL('/api/ps', this.endpoint);
    let text: string;
    try {
      const answer = await requestBounded(url, { timeoutMs: this.timeoutMs, headers: { accept: 'application/json' } });
      text = answer.text;
      if (!answer.ok) {
        const said = ollamaErrorOf(text);
        throw new OllamaUnavailable(
          `${answer.status === 404 ? NOT_FOUND_TEXT : `Ollama answered HTTP ${String(answer.status)}`}${said === null ? '' : `: ${said}`}`,
        );
      }
    } catch (error) {
      if (error instanceof OllamaUnavailable) throw error;
      throw new OllamaUnavailable(requestFailureText(error), { cause: error });
    }
    const json = parseJson(text);
    if (!json.ok) throw new OllamaUnavailable('Ollama: the answer to /api/ps is not JSON');
    const envelope = envelopeSchema.safeParse(json.value);
    if (!envelope.success)
      throw new OllamaUnavailable(`Ollama: unexpected answer to /api/ps (${describeIssues(envelope.error)})`);
    const models: OllamaModel[] = [];
    const dropped: string[] = [];
    // Names as Ollama means them (a bare name is `:latest`), so one model is never counted, shown or exported twice.
    const seen = new Set<string>();
    envelope.data.models.forEach((entry, index) => {
      const parsed = modelSchema.safeParse(entry);
      if (!parsed.success) {
        dropped.push(`ollama model #${index + 1}: ${describeIssues(parsed.error)}`);
        return;
      }
      const { name, size, size_vram, expires_at } = parsed.data;
      if (seen.has(normalizeModel(name))) {
        dropped.push(`ollama model #${index + 1}: ${name} listed again; the first kept`);
        return;
      }
      seen.add(normalizeModel(name));
      models.push({ name, sizeBytes: sizeOf(size), vramBytes: size_vram ?? 0, expiresAt: expiryOf(expires_at) });
    });
    models.sort(bySize);
    // Models of unknown size come first, so one left unlisted is of known size (unless hundreds are unknown, and then
    // the listed ones say so).
    const unlistedBytes = models.slice(MODEL_LIMIT).reduce((sum, model) => sum + (model.sizeBytes ?? 0), 0);
    return { value: { models: models.slice(0, MODEL_LIMIT), total: models.length, unlistedBytes }, dropped };
  }
}
