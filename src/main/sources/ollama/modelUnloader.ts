import { randomUUID } from 'node:crypto';
import type { CommandOutcome } from '../../../shared/commands';
import { errorText } from '../../../shared/errorText';
import { sameModel } from '../../../shared/modelName';
import { AnswerTooLarge, type BoundedAnswer, RedirectRefused, requestBounded } from './boundedHttp';
import { ollamaErrorOf, requestFailureText, type OllamaClient } from './ollamaClient';

export interface UnloadTiming {
  /** How long Ollama may take to drop the model from `/api/ps` after agreeing to. */
  readonly confirmWithinMs: number;
  readonly checkEveryMs: number;
}

const DEFAULT_TIMING: UnloadTiming = { confirmWithinMs: 3000, checkEveryMs: 150 };

const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Asks Ollama to unload a model the way Ollama documents it (a generate
 * request with no prompt and `keep_alive: 0`), then confirms by reading
 * `/api/ps` again: Ollama's 200 says it agreed, not that the memory is free.
 */
export class ModelUnloader {
  constructor(
    private readonly ollama: Pick<OllamaClient, 'endpoint' | 'timeoutMs' | 'residentModels'>,
    private readonly timing: UnloadTiming = DEFAULT_TIMING,
  ) {}

  async unload(model: string): Promise<CommandOutcome> {
    const id = randomUUID();
    let answer: BoundedAnswer;
    try {
      answer = await requestBounded(new URL('/api/generate', this.ollama.endpoint), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ model, keep_alive: 0 }),
        timeoutMs: this.ollama.timeoutMs,
      });
    } catch (error) {
      // A request that timed out reached Ollama, which may still unload; one refused never left.
      if (error instanceof Error && error.name === 'TimeoutError') {
        return {
          ok: false,
          id,
          failure: 'no_answer',
          error: `no answer from Ollama within ${String(this.ollama.timeoutMs)} ms: the model may still be unloaded`,
        };
      }
      // A redirect leads elsewhere, and the unload request is never sent there: whatever answered did not unload.
      if (error instanceof RedirectRefused)
        return { ok: false, id, failure: 'refused', error: requestFailureText(error) };
      if (error instanceof AnswerTooLarge) {
        // Its status was read before the body ran over: a 2xx agreed, and /api/ps says whether the model went.
        if (error.status >= 200 && error.status < 300) return this.confirmGone(id, model);
        return {
          ok: false,
          id,
          failure: 'refused',
          error: `Ollama refused: HTTP ${String(error.status)} (${error.message})`,
        };
      }
      const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
      return { ok: false, id, failure: 'not_sent', error: `Ollama could not be reached: ${errorText(cause)}` };
    }
    if (!answer.ok) {
      // Ollama's reason is kept, but never whole: a 100 kB one would ride in every answer and log line.
      return {
        ok: false,
        id,
        failure: 'refused',
        error: `Ollama refused: ${ollamaErrorOf(answer.text) ?? `HTTP ${String(answer.status)}`}`,
      };
    }
    return this.confirmGone(id, model);
  }

  private async confirmGone(id: string, model: string): Promise<CommandOutcome> {
    const deadline = Date.now() + this.timing.confirmWithinMs;
    for (;;) {
      let problem: string;
      try {
        const { value } = await this.ollama.residentModels();
        if (!value.models.some((resident) => sameModel(resident.name, model))) return { ok: true, id };
        problem = `Ollama still holds ${model}`;
      } catch (error) {
        problem = `Ollama agreed, but /api/ps could not be read to confirm: ${errorText(error)}`;
      }
      if (Date.now() >= deadline) {
        const seconds = String(Math.round(this.timing.confirmWithinMs / 1000));
        return { ok: false, id, failure: 'no_answer', error: `${problem} ${seconds} s after agreeing to unload it` };
      }
      await pause(this.timing.checkEveryMs);
    }
  }
}
