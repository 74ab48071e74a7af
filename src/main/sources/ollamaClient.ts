import { z } from 'zod';
import { errorText } from '../../shared/errorText';
import type { OllamaData, OllamaModel } from '../core/readings';
import { type Screened } from './screening';
import { parseJson } from '../../shared/jsonLine';
import { describeIssues } from '../../shared/zodIssues';
import { TEXT_LIMITS } from '../../shared/clipText';

const envelopeSchema = z.object({ models: z.array(z.unknown()) });

/** Ollama holds a handful of models; past this many, only the biggest are listed and the rest counted. */
export const MODEL_LIMIT = 200;

/** One entry of `GET /api/ps`, as Ollama documents it; only what the monitor uses is required. */
const modelSchema = z.object({
  // A name a control unloads: cutting it would name another model, so a longer one is left out.
  name: z.string().min(1).max(TEXT_LIMITS.label, `longer than ${String(TEXT_LIMITS.label)} characters`),
  model: z.string().optional(),
  size: z.number().int().nonnegative(),
  size_vram: z.number().int().nonnegative().optional(),
  expires_at: z.string().optional(),
});

/** Ollama writes nanoseconds and sometimes a far-future date for "never"; both read as an instant or null. */
function expiryOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const at = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(at) || at > Date.parse('9999-12-31T23:59:59Z') ? null : at;
}

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
      const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
      text = await response.text();
      if (!response.ok) throw new OllamaUnavailable(`Ollama answered HTTP ${response.status}`);
    } catch (error) {
      if (error instanceof OllamaUnavailable) throw error;
      // fetch reports "fetch failed" and keeps the real reason (ECONNREFUSED, ...) as its cause.
      const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
      throw new OllamaUnavailable(`Ollama: ${errorText(cause)}`, { cause: error });
    }
    const json = parseJson(text);
    if (!json.ok) throw new OllamaUnavailable('Ollama: the answer to /api/ps is not JSON');
    const envelope = envelopeSchema.safeParse(json.value);
    if (!envelope.success) throw new OllamaUnavailable(`Ollama: unexpected answer to /api/ps (${describeIssues(envelope.error)})`);
    const models: OllamaModel[] = [];
    const dropped: string[] = [];
    envelope.data.models.forEach((entry, index) => {
      const parsed = modelSchema.safeParse(entry);
      if (!parsed.success) {
        dropped.push(`ollama model #${index + 1}: ${describeIssues(parsed.error)}`);
        return;
      }
      const { name, size, size_vram, expires_at } = parsed.data;
      models.push({ name, sizeBytes: size, vramBytes: size_vram ?? 0, expiresAt: expiryOf(expires_at) });
    });
    models.sort((a, b) => b.sizeBytes - a.sizeBytes || a.name.localeCompare(b.name));
    const unlistedBytes = models.slice(MODEL_LIMIT).reduce((sum, model) => sum + model.sizeBytes, 0);
    return { value: { models: models.slice(0, MODEL_LIMIT), total: models.length, unlistedBytes }, dropped };
  }
}
