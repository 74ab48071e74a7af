/**
 * Ollama holding ECHO's models as a GPU box would: smaller than the estimate
 * rule (so drift is flagged), partly in GPU memory, unloading in an hour.
 */
export function psHoldingEchoModels(): string {
  const gb = 2 ** 30;
  const expires = new Date(Date.now() + 3600_000).toISOString();
  const models = [
    ['qwen2.5:14b', 9.5, 9.5],
    ['deepseek-coder:33b', 18.9, 12],
    ['llama3.1:8b', 5.2, 0],
    ['mistral:7b', 4.6, 0],
    ['llama3.2-vision:11b', 7.9, 0],
    ['deepseek-coder:6.7b', 3.8, 3.8],
    ['codellama:13b', 7.4, 0],
  ] as const;
  return JSON.stringify({
    models: models.map(([name, size, vram]) => ({
      name,
      model: name,
      size: Math.round(size * gb),
      size_vram: Math.round(vram * gb),
      expires_at: expires,
      digest: 'e2e',
    })),
  });
}
