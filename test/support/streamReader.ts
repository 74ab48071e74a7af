import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { sseFrame } from './sseFrame';

/** A server-sent event stream whose response has arrived and that has read nothing of its body yet. */
export interface HeldStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Starts reading and resolves once `enough` says so or the server closes the stream. */
  read(enough?: (reading: StreamReading) => boolean): Promise<StreamReading>;
  /** Closes it from this side, as a tab being closed does. */
  close(): void;
}

export interface StreamReading {
  /** Bytes of body received. */
  bytes: number;
  /** The whole frames received, in order, each as its event name and its data text. */
  frames: { event: string; data: string }[];
  /** Whether the server closed the stream. */
  closedByServer: boolean;
}

/**
 * Opens a stream and stops reading it at once, as a frozen tab or a stalled
 * network does: once the client's small buffer is full, Node stops reading
 * the socket, so the server's writes pile up in the kernel and then in the
 * server, until it does something about them.
 */
export function openHeldStream(port: number, path: string): Promise<HeldStream> {
  return new Promise((resolve, reject) => {
    const request: ClientRequest = httpRequest(
      { host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream' } },
      (response: IncomingMessage) => {
        response.pause();
        // A stream the server cuts ends with an error here ("aborted"), which is what the test looks for, not a
        // failure.
        response.on('error', () => undefined);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          read: (enough = () => false) => readStream(response, enough),
          close: () => {
            request.destroy();
          },
        });
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function readStream(response: IncomingMessage, enough: (reading: StreamReading) => boolean): Promise<StreamReading> {
  return new Promise((resolve) => {
    const reading: StreamReading = { bytes: 0, frames: [], closedByServer: false };
    let buffer = '';
    let searchFrom = 0;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      reading.bytes += Buffer.byteLength(chunk);
      buffer += chunk;
      // Frames can be megabytes long: look for their end only in what is new.
      for (let end = buffer.indexOf('\n\n', searchFrom); end !== -1; end = buffer.indexOf('\n\n')) {
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = sseFrame(text);
        if (fields !== null) reading.frames.push(fields);
      }
      searchFrom = Math.max(0, buffer.length - 1);
      if (enough(reading)) resolve(reading);
    });
    response.on('close', () => {
      reading.closedByServer = !response.complete;
      resolve(reading);
    });
    response.resume();
  });
}
