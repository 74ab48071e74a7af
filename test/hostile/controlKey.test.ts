import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_KEY_PARAMETER, HTTP_ROUTES, TOKEN_HEADER } from '../../src/shared/api';
import { startCliProcess, type LongRunningCli } from '../support/runCliProcess';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

/** Another account on this machine: only root can become one, with util-linux's setpriv. */
const SETPRIV = '/usr/bin/setpriv';
const otherAccountMissing =
  process.getuid?.() !== 0
    ? 'only root can act as another account'
    : spawnSync(SETPRIV, ['--version']).status !== 0
      ? `${SETPRIV} is missing (util-linux)`
      : null;
if (otherAccountMissing) console.warn(`Skipping the other-account cases of the control key: ${otherAccountMissing}`);

/** Runs a command as `nobody`, with no groups: any other account on the machine. */
function asNobody(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(SETPRIV, ['--reuid=65534', '--regid=65534', '--clear-groups', command, ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let db: TestDatabase;
let home: string;
let serve: LongRunningCli;
let url: string;

beforeAll(async () => {
  db = await createTestDatabase();
  // Open to every account, as a home folder's parent is: only the monitor's own folder and files keep the key.
  home = await mkdtemp(join(tmpdir(), 'control-key-'));
  await chmod(home, 0o755);
  serve = startCliProcess(['serve', '--port', '0'], {
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: 'off',
    XDG_STATE_HOME: home,
  });
  url = (await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/))[1] ?? '';
  await serve.waitFor(/^Controls: /m);
}, 60_000);

afterAll(async () => {
  await serve.stop('SIGTERM');
  await db.drop();
  await rm(home, { recursive: true, force: true });
});

const folder = (): string => join(home, 'delegator-monitor');

async function post(key: string | null): Promise<number> {
  const response = await fetch(`${url}${HTTP_ROUTES.resume.slice(1)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { [TOKEN_HEADER]: key }) },
    body: '{}',
  });
  return response.status;
}

describe("the controls belong to the monitor's own user", () => {
  it('keeps the key in a file only that user can read, and the address that carries it beside it; never in the output', async () => {
    expect((await stat(folder())).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder(), 'control-key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(folder(), 'control-url'))).mode & 0o777).toBe(0o600);
    const key = (await readFile(join(folder(), 'control-key'), 'utf8')).trim();
    expect(key).toMatch(/^[\w-]{43}$/);
    expect((await readFile(join(folder(), 'control-url'), 'utf8')).trim()).toBe(
      `${url}#${CONTROL_KEY_PARAMETER}=${key}`,
    );
    // Not a terminal: the output may end in a log others read.
    const run = await serve.waitFor(/^Controls: open the address in (.+) \(readable by this user only\)\.$/m);
    expect(run[1]).toBe(join(folder(), 'control-url'));
  });

  it('answers reading to anyone on this machine, but a control only with the key, which no route hands out', async () => {
    const key = (await readFile(join(folder(), 'control-key'), 'utf8')).trim();
    expect((await fetch(`${url}${HTTP_ROUTES.snapshot.slice(1)}`)).status).toBe(200);
    const bootstrap = await fetch(`${url}api/bootstrap`);
    expect(bootstrap.status).toBe(404);
    expect(await bootstrap.text()).not.toContain(key);
    expect(await post(null)).toBe(401);
    expect(await post(key)).toBe(200);
  });

  it.skipIf(otherAccountMissing !== null)(
    'leaves another account the figures, and neither the key nor the controls',
    async () => {
      const key = (await readFile(join(folder(), 'control-key'), 'utf8')).trim();
      for (const file of ['control-key', 'control-url']) {
        const read = asNobody('cat', [join(folder(), file)]);
        expect(read.status).not.toBe(0);
        expect(read.stdout).not.toContain(key);
      }
      const script = (method: string, path: string, extra = ''): string =>
        `fetch(${JSON.stringify(`${url}${path.slice(1)}`)}, { method: '${method}', headers: { 'content-type': 'application/json' ${extra} }, body: ${method === 'POST' ? "'{}'" : 'undefined'} }).then((r) => console.log(r.status))`;
      expect(asNobody(process.execPath, ['-e', script('GET', HTTP_ROUTES.snapshot)]).stdout.trim()).toBe('200');
      expect(asNobody(process.execPath, ['-e', script('POST', HTTP_ROUTES.resume)]).stdout.trim()).toBe('401');
      expect(asNobody(process.execPath, ['-e', script('GET', '/api/bootstrap')]).stdout.trim()).toBe('404');
    },
  );

  it('keeps the same key across launches, so a kept address keeps working', async () => {
    const before = await readFile(join(folder(), 'control-key'), 'utf8');
    const again = startCliProcess(['serve', '--port', '0'], {
      DATABASE_URL: db.url,
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: 'off',
      XDG_STATE_HOME: home,
    });
    try {
      await again.waitFor(/^Controls: /m);
      expect(await readFile(join(folder(), 'control-key'), 'utf8')).toBe(before);
    } finally {
      await again.stop('SIGTERM');
    }
  }, 30_000);

  it('refuses to start on a key file others could read or write, saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'control-key-loose-'));
    try {
      const file = join(dir, 'key');
      execFileSync('sh', ['-c', `printf 'k%.0s' $(seq 1 40) > ${file} && chmod 644 ${file}`]);
      const loose = startCliProcess(['serve', '--port', '0'], {
        DATABASE_URL: db.url,
        REGISTRY_MODE: 'sessions',
        OLLAMA_ENDPOINT: 'off',
        MONITOR_CONTROL_KEY_FILE: file,
      });
      const run = await loose.stop('SIGCONT');
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('can be read or written by others (mode 0644): chmod 600 it');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
