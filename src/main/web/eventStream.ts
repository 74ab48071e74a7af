import type { ServerResponse } from 'node:http';

/** Open server-sent event streams, each written to as things happen. */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepAlive: ReturnType<typeof setInterval>;

  constructor(keepAliveMs = 15_000) {
    // A comment line now and then keeps proxies from closing a quiet stream.
    this.keepAlive = setInterval(() => {
      for (const client of this.clients) client.write(': keep-alive\n\n');
    }, keepAliveMs);
    this.keepAlive.unref();
  }

  open(response: ServerResponse, initial: ReadonlyArray<readonly [string, unknown]>): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    for (const [event, data] of initial) response.write(frame(event, data));
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  send(event: string, data: unknown): void {
    const text = frame(event, data);
    for (const client of this.clients) client.write(text);
  }

  closeAll(): void {
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
