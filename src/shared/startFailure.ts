/**
 * How the desktop app answers while its monitor could not start, so the page
 * can tell that apart from a source that is down, and say what to do.
 */
const PREFIX = 'the monitor could not start: ';

export const startFailure = (reason: string): string => `${PREFIX}${reason}`;

/** The reason, when the message says the monitor could not start; null otherwise. */
export function startFailureReason(message: string | null): string | null {
  return message?.startsWith(PREFIX) ? message.slice(PREFIX.length) : null;
}
