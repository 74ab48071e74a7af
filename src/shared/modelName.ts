/** `deepseek-coder` is Ollama's `deepseek-coder:latest`; a registry host's port is not a tag (`registry:5000/x`). */
export function normalizeModel(model: string): string {
  const lastSegment = model.slice(model.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? model : `${model}:latest`;
}

export function sameModel(a: string, b: string): boolean {
  return normalizeModel(a) === normalizeModel(b);
}

/**
 * Whether an agent still holds its model in memory: one in error, or whose
 * process is known to be gone, may have let it go, and counting it would
 * promise memory (or room) that is not there.
 */
export function holdsItsModel(agent: {
  readonly status: string | null;
  readonly processAlive: boolean | null;
}): boolean {
  return agent.status !== 'error' && agent.processAlive !== false;
}
