/**
 * How much of an answer from a server the monitor does not run (Ollama) is
 * read. `/api/ps` for hundreds of models is far under 1 MB (a full entry is
 * about 500 bytes); 8 MB still holds 100,000 minimal entries, which the
 * monitor lists as their 200 biggest, while a server that streams without end
 * costs a poll at most this much memory instead of all of it.
 */
export const ANSWER_LIMIT_BYTES = 8 * 1024 * 1024;

const megabytes = (bytes: number): string => `${String(Math.round(bytes / (1024 * 1024)))} MB`;

/** The answer ran past the limit: the request was aborted and its connection closed. */
export class AnswerTooLarge extends Error {
  override readonly name = 'AnswerTooLarge';
  constructor(
    /** The status the server answered with, before the body ran over. */
    readonly status: number,
    readonly limitBytes: number,
  ) {
    super(`answer over ${megabytes(limitBytes)}, not read`);
  }
}

/**
 * The server answered with a redirect. None is followed: it could lead to
 * another host, and a 307 or 308 would send it the request's body again.
 */
export class RedirectRefused extends Error {
  override readonly name = 'RedirectRefused';
  constructor(readonly status: number) {
    super(`answered with a redirect (HTTP ${String(status)}), not followed`);
  }
}

export interface BoundedRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The whole exchange, body included. */
  readonly timeoutMs: number;
  readonly limitBytes?: number;
}

export interface BoundedAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly text: string;
}

/**
 * One HTTP exchange with a byte cap on the answer and no redirects followed.
 * Throws `AnswerTooLarge`, `RedirectRefused`, or what `fetch` throws: a
 * `TimeoutError` past `timeoutMs`, or "fetch failed" with the reason as cause.
 */
export async function requestBounded(url: URL, request: BoundedRequest): Promise<BoundedAnswer> {
  const limitBytes = request.limitBytes ?? ANSWER_LIMIT_BYTES;
  // One controller for the deadline and the cap: aborting a fetch closes its connection, so a server streaming without
  // end stops costing anything. A timer of our own, not AbortSignal.any over AbortSignal.timeout, whose combined signal
  // Node may collect before it fires, leaving a request to a silent server waiting for ever.
  const stop = new AbortController();
  const deadline = setTimeout(() => {
    stop.abort(new DOMException(`no answer within the ${String(request.timeoutMs)} ms timeout`, 'TimeoutError'));
  }, request.timeoutMs);
  try {
    return await exchange(url, request, limitBytes, stop);
  } finally {
    clearTimeout(deadline);
  }
}

async function exchange(
  url: URL,
  request: BoundedRequest,
  limitBytes: number,
  stop: AbortController,
): Promise<BoundedAnswer> {
  const response = await fetch(url, {
    method: request.method ?? 'GET',
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.body === undefined ? {} : { body: request.body }),
    redirect: 'manual',
    signal: stop.signal,
  });
  // Node's fetch gives a manual redirect's real status; a browser's gives an opaque one with status 0.
  if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
    stop.abort();
    throw new RedirectRefused(response.status);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limitBytes) {
    stop.abort();
    throw new AnswerTooLarge(response.status, limitBytes);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (response.body !== null) {
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > limitBytes) {
        stop.abort();
        throw new AnswerTooLarge(response.status, limitBytes);
      }
      chunks.push(value);
    }
  }
  return { status: response.status, ok: response.ok, text: new TextDecoder().decode(Buffer.concat(chunks)) };
}
