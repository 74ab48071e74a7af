import { randomUUID } from 'node:crypto';
import type { CommandOutcome } from '../../shared/commands';
import { escapeControls } from '../../shared/terminalText';
import type { MonitorConfig } from '../config';
import { ModelUnloader, type UnloadTiming } from '../sources/ollama/modelUnloader';
import { OllamaClient } from '../sources/ollama/ollamaClient';
import { reportOutcome, type ControlOptions } from './controlOutcome';
import type { ExitCode } from './exitCodes';
import type { CliIo } from './output';

export interface UnloadOptions extends ControlOptions {
  readonly model: string;
}

const OLLAMA_OFF: Omit<CommandOutcome, 'id'> = {
  ok: false,
  failure: 'not_sent',
  error: 'Ollama is switched off (OLLAMA_ENDPOINT=off), so no model can be unloaded',
};

/**
 * Asks Ollama to unload a model and confirms it left `/api/ps`: exit 0 unloaded,
 * 1 refused, 2 still loaded or Ollama unreachable. `timing` lets tests shorten
 * the wait for the confirmation.
 */
export async function unloadCommand(
  config: MonitorConfig,
  options: UnloadOptions,
  io: CliIo,
  timing?: UnloadTiming,
): Promise<ExitCode> {
  const endpoint = config.ollamaEndpoint;
  const outcome =
    endpoint === null
      ? { ...OLLAMA_OFF, id: randomUUID() }
      : await new ModelUnloader(new OllamaClient(endpoint, config.timeoutMs), timing).unload(options.model);
  // A model name may be pasted from Ollama's own list: shown escaped.
  const model = escapeControls(options.model);
  return reportOutcome(outcome, { done: `Unloaded ${model}.`, attempt: `unload ${model}` }, options, io);
}
