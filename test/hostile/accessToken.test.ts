import type { Server } from 'node:http';
import { Duplex, PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, TOKEN_HEADER } from '../../src/shared/api';
import { ConfigError } from '../../src/main/config';
import { accessTokenFrom } from '../../src/main/cli/accessTokenSetting';
import { bearerMatches, isLoopbackPeer } from '../../src/main/web/accessToken';
import { createWebServer } from '../../src/main/web/webServer';
import { idleService } from '../support/idleService';
import { snapshotAt } from '../support/snapshots';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ACCESS = 'f3a9c1d27b4e8a6051c2d9e7f4b3a8c6';

interface Answer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/**
 * One HTTP/1.1 request from a peer at `from`, handed to the real server as a
 * connection of its own, as Node lets any Duplex stream be: so a peer on
 * another machine is tried without leaving loopback.
 */
function requestFrom(
  server: Server,
  from: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: string | null = null,
): Promise<Answer> {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const socket = Duplex.from({ readable: toServer, writable: fromServer });
  Object.defineProperty(socket, 'remoteAddress', { value: from });
  const chunks: Buffer[] = [];
  const answered = new Promise<Answer>((resolve) => {
    fromServer.on('data', (chunk: Buffer) => chunks.push(chunk));
    fromServer.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
        headers: head.toLowerCase(),
        body: rest.join('\r\n\r\n'),
      });
    });
  });
  server.emit('connection', socket);
  const sent =
    body === null ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  const lines = Object.entries({ connection: 'close', ...sent, ...headers }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  // Left open: a client that has sent its request waits for the answer; the server closes (Connection: close).
  toServer.write(`${body === null ? 'GET' : 'POST'} ${path} HTTP/1.1\r\n${lines.join('')}\r\n${body ?? ''}`);
  return answered;
}

const CONTROL_KEY = 'control-key-0123456789abcdef';

let server: Server;
let detach: () => void;

function startServer(remoteControls: boolean): { server: Server; detach(): void } {
  const service = idleService();
  const snapshot = snapshotAt(Date.parse('2026-11-24T14:28:28Z'));
  return createWebServer({
    service: { ...service, getSnapshot: () => snapshot },
    controlKey: CONTROL_KEY,
    remoteControls,
    boundHost: '0.0.0.0',
    rendererDir: null,
    accessToken: ACCESS,
  });
}

beforeAll(() => {
  ({ server, detach } = startServer(false));
});
afterAll(() => {
  detach();
  server.close();
});

describe('serve bound beyond this machine, with an access token', () => {
  it('answers /metrics and the API to another machine that sends the token, whatever name it used', async () => {
    for (const path of [HTTP_ROUTES.metrics, HTTP_ROUTES.snapshot]) {
      const answer = await requestFrom(server, '192.0.2.10', path, {
        host: 'echo-box.internal:4000',
        authorization: `Bearer ${ACCESS}`,
      });
      expect(answer.status).toBe(200);
    }
    const metrics = await requestFrom(server, '::ffff:192.0.2.10', HTTP_ROUTES.metrics, {
      host: 'echo-box:4000',
      authorization: `bearer ${ACCESS}`,
    });
    expect(metrics.body).toContain('delegator_agents ');
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer f3a9c1d27b4e8a6051c2d9e7f4b3a8c7' }],
    ['the token in another scheme', { authorization: `Basic ${ACCESS}` }],
    ['a prefix of the token', { authorization: `Bearer ${ACCESS.slice(0, 16)}` }],
  ])('refuses another machine with %s: 401, asking for Bearer, and nothing of the data', async (_, headers) => {
    const answer = await requestFrom(server, '192.0.2.10', HTTP_ROUTES.metrics, { host: 'echo-box:4000', ...headers });
    expect(answer.status).toBe(401);
    expect(answer.headers).toContain('www-authenticate: bearer');
    expect(answer.body).not.toContain('delegator_');
  });

  it('answers this machine without a token, and still refuses a Host it does not know (DNS rebinding)', async () => {
    expect((await requestFrom(server, '127.0.0.1', HTTP_ROUTES.metrics, { host: '127.0.0.1:4000' })).status).toBe(200);
    expect((await requestFrom(server, '::1', HTTP_ROUTES.metrics, { host: 'localhost:4000' })).status).toBe(200);
    expect((await requestFrom(server, '127.0.0.1', HTTP_ROUTES.metrics, { host: 'attacker.example' })).status).toBe(
      403,
    );
  });
});

describe("the access token reads; the controls need the control key, and stay this machine's by default", () => {
  const resume = (on: Server, from: string, headers: Readonly<Record<string, string>>): Promise<Answer> =>
    requestFrom(on, from, HTTP_ROUTES.resume, { host: 'echo-box:4000', ...headers }, '{}');

  it('refuses the controls to another machine that sends the access token, with or without the control key', async () => {
    expect((await resume(server, '192.0.2.10', { authorization: `Bearer ${ACCESS}` })).status).toBe(403);
    const keyed = await resume(server, '192.0.2.10', {
      authorization: `Bearer ${ACCESS}`,
      [TOKEN_HEADER]: CONTROL_KEY,
    });
    expect(keyed.status).toBe(403);
    expect(keyed.body).toContain('the controls are for this machine only');
    // The access token alone never unlocks them, and no route hands out the key.
    expect(
      (
        await requestFrom(server, '192.0.2.10', '/api/bootstrap', {
          host: 'echo-box:4000',
          authorization: `Bearer ${ACCESS}`,
        })
      ).body,
    ).not.toContain(CONTROL_KEY);
  });

  it('with MONITOR_REMOTE_CONTROLS on, lets another machine use them with both the access token and the control key', async () => {
    const open = startServer(true);
    try {
      expect((await resume(open.server, '192.0.2.10', { authorization: `Bearer ${ACCESS}` })).status).toBe(401);
      expect((await resume(open.server, '192.0.2.10', { [TOKEN_HEADER]: CONTROL_KEY })).status).toBe(401);
      expect(
        (await resume(open.server, '192.0.2.10', { authorization: `Bearer ${ACCESS}`, [TOKEN_HEADER]: CONTROL_KEY }))
          .status,
      ).toBe(200);
    } finally {
      open.detach();
      open.server.close();
    }
  });

  it('on this machine too, needs the control key, once, and nothing else', async () => {
    expect((await resume(server, '127.0.0.1', { host: '127.0.0.1:4000' })).status).toBe(401);
    expect(
      (await resume(server, '127.0.0.1', { host: '127.0.0.1:4000', [TOKEN_HEADER]: 'control-key-0123456789abcdeX' }))
        .status,
    ).toBe(401);
    expect((await resume(server, '127.0.0.1', { host: '127.0.0.1:4000', [TOKEN_HEADER]: CONTROL_KEY })).status).toBe(
      200,
    );
  });
});

describe('the access token and its peers', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.168.1.20', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    [undefined, false],
  ])('counts %s as this machine: %s', (address, loopback) => {
    expect(isLoopbackPeer(address)).toBe(loopback);
  });

  it('matches only Bearer and the whole token', () => {
    expect(bearerMatches(`Bearer ${ACCESS}`, ACCESS)).toBe(true);
    expect(bearerMatches(`Bearer ${ACCESS}x`, ACCESS)).toBe(false);
    expect(bearerMatches(`Bearer`, ACCESS)).toBe(false);
    expect(bearerMatches(undefined, ACCESS)).toBe(false);
  });

  it('is read from a file (its final newline aside) or a variable, and a short one is refused without being echoed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'access-token-'));
    try {
      const file = join(dir, 'token');
      await writeFile(file, `${ACCESS}\n`, { mode: 0o600 });
      expect(accessTokenFrom({ MONITOR_API_TOKEN_FILE: file, MONITOR_API_TOKEN: 'ignored-when-a-file-is-given' })).toBe(
        ACCESS,
      );
      expect(accessTokenFrom({ MONITOR_API_TOKEN: ACCESS })).toBe(ACCESS);
      expect(accessTokenFrom({})).toBeNull();
      expect(() => accessTokenFrom({ MONITOR_API_TOKEN: 'short-secret' })).toThrow(ConfigError);
      expect(() => accessTokenFrom({ MONITOR_API_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
      expect(() => accessTokenFrom({ MONITOR_API_TOKEN_FILE: join(dir, 'missing') })).toThrow(
        /MONITOR_API_TOKEN_FILE cannot be read \(ENOENT/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
