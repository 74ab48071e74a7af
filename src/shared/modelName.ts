/** `deepseek-coder` is Ollama's `deepseek-coder:latest`; a registry host's port is not a tag (`registry:5000/x`). */
export function normalizeModel(model: string): string {
  const lastSegment = model.slice(model.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? model : `${model}:latest`;
}

export function sameModel(a: string, b: string): boolean {
  return normalizeModel(a) === normalizeModel(b);
}
