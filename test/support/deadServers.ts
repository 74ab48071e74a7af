import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from './freePort';

/** A loopback address where nothing listens: connects are refused at once. */
export async function refusingAddress(): Promise<{ host: string; port: number }> {
  return { host: '127.0.0.1', port: await freePort() };
}

/**
 * A server that accepts connections and never answers, as a hung or
 * black-holed database looks to a client: only timeouts get a client out.
 */
export async function startSilentServer(): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
