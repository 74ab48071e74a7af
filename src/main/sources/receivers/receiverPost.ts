import { clipText } from '../../../shared/clipText';
import { errorText } from '../../../shared/errorText';
import type { TryResult } from '../../core/alerts/sendQueue';
import { AnswerTooLarge, RedirectRefused, requestBounded } from '../ollama/boundedHttp';
import type { OutgoingMessage } from './outgoingMessage';
import type { ReceiverTarget } from './receiverTargets';

/** A receiver's answer is a word or two (`ok`, an error's JSON): more is not read, and its first part says enough. */
const ANSWER_LIMIT_BYTES = 16 * 1024;
const ANSWER_SHOWN = 200;

/**
 * A server busy or restarting, or one that asks to be tried later, may take the notice later; any other refusal stands.
 */
function worthRetrying(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function refusal(status: number, text: string): TryResult {
  const said = text.trim().split('\n')[0] ?? '';
  const shown = said === '' ? '' : `: ${clipText(said, ANSWER_SHOWN)}`;
  return { ok: false, error: `answered HTTP ${String(status)}${shown}`, retry: worthRetrying(status) };
}

/**
 * One POST of a notice to a receiver, bounded in time (the receiver's
 * timeout, its answer included) and in the answer's size, following no
 * redirect. Never throws; what went wrong names neither the URL nor the token.
 */
export async function postNotice(target: ReceiverTarget, message: OutgoingMessage): Promise<TryResult> {
  const headers: Record<string, string> = { 'user-agent': 'delegator-monitor', ...message.headers };
  if (target.token !== null) headers.authorization = `Bearer ${target.token}`;
  try {
    const answer = await requestBounded(target.url, {
      method: 'POST',
      headers,
      body: message.body,
      timeoutMs: target.timeoutMs,
      limitBytes: ANSWER_LIMIT_BYTES,
    });
    return answer.ok ? { ok: true } : refusal(answer.status, answer.text);
  } catch (error) {
    // A redirect could lead anywhere, with the notice and its token: the receiver's address is wrong, and stays so.
    if (error instanceof RedirectRefused) return { ok: false, error: error.message, retry: false };
    // Its status came before its body ran over: a 2xx took the notice.
    if (error instanceof AnswerTooLarge) {
      return error.status >= 200 && error.status < 300 ? { ok: true } : refusal(error.status, error.message);
    }
    if (error instanceof Error && error.name === 'TimeoutError') {
      return { ok: false, error: `no answer within ${String(target.timeoutMs)} ms`, retry: true };
    }
    // A request fetch would not make (a header it refuses) is said without its message, which may quote the header: the
    // token.
    if (error instanceof TypeError && error.cause === undefined) {
      return { ok: false, error: 'the request could not be made (a header or the address was refused)', retry: false };
    }
    // fetch's own "fetch failed" says nothing; its cause says what (refused, reset, a name not found), with the host,
    // never the path.
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    return { ok: false, error: clipText(errorText(cause), ANSWER_SHOWN), retry: true };
  }
}
