/** One line that says what went wrong, even for errors whose own message is empty. */
export function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // Node reports a refused dual-stack connect as an AggregateError with an empty message.
    return [...new Set(error.errors.map(errorText))].join('; ');
  }
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : null;
    const message = error.message.trim();
    if (message) return message.split('\n')[0] ?? message;
    return code ?? error.name;
  }
  return String(error);
}
