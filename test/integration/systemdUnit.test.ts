import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * deploy/systemd/delegator-monitor.service, the unit docs/fleet.md installs:
 * its sandbox as the directives say it, then as systemd itself reads and
 * scores it, where systemd-analyze is installed.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UNIT = 'deploy/systemd/delegator-monitor.service';
const FLEET = 'docs/fleet.md';

const ANALYZE = '/usr/bin/systemd-analyze';
const analyzeMissing = existsSync(ANALYZE) ? null : `${ANALYZE} is missing (Debian's systemd package provides it)`;
if (analyzeMissing) console.warn(`Skipping systemd-analyze's checks of ${UNIT}: ${analyzeMissing}`);

const text = readFileSync(`${ROOT}/${UNIT}`, 'utf8');

/**
 * Each directive of [Service] with every value it is given, in order: systemd adds up some (SystemCallFilter=) and lets
 * others' last value win.
 */
function serviceDirectives(unit: string): ReadonlyMap<string, readonly string[]> {
  const found = new Map<string, string[]>();
  let section = '';
  for (const raw of unit.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      section = header[1];
      continue;
    }
    if (section !== 'Service') continue;
    const equals = line.indexOf('=');
    const key = line.slice(0, equals);
    found.set(key, [...(found.get(key) ?? []), line.slice(equals + 1)]);
  }
  return found;
}

const service = serviceDirectives(text);
const only = (key: string): string | undefined => {
  const values = service.get(key);
  expect(values, key).toHaveLength(1);
  return values?.[0];
};

describe(`${UNIT}'s sandbox`, () => {
  it('runs as its own user, with no capability and no way to gain one', () => {
    expect(only('User')).toBe('delegator-monitor');
    expect(only('NoNewPrivileges')).toBe('yes');
    expect(only('CapabilityBoundingSet')).toBe('');
    expect(service.has('AmbientCapabilities')).toBe(false);
  });

  it('allows a service’s usual system calls and the memory protection keys Node.js asks for, less the privileged ones, failing the rest with EPERM', () => {
    expect(service.get('SystemCallFilter')).toEqual([
      '@system-service pkey_alloc pkey_free pkey_mprotect',
      '~@privileged @resources',
    ]);
    expect(only('SystemCallErrorNumber')).toBe('EPERM');
    expect(only('SystemCallArchitectures')).toBe('native');
  });

  it('allows Unix and Internet sockets only, not netlink', () => {
    expect(only('RestrictAddressFamilies')).toBe('AF_UNIX AF_INET AF_INET6');
  });

  it('caps its memory and its open files', () => {
    expect(only('MemoryMax')).toBe('512M');
    expect(only('LimitNOFILE')).toBe('4096');
  });

  it('sees the file system read-only but for its state, no home and a /tmp of its own, and the NVIDIA devices among the hardware', () => {
    expect(only('ProtectSystem')).toBe('strict');
    expect(only('ProtectHome')).toBe('yes');
    expect(only('PrivateTmp')).toBe('yes');
    expect(only('StateDirectory')).toBe('delegator-monitor');
    expect(only('UMask')).toBe('0077');
    expect(only('DevicePolicy')).toBe('closed');
    expect(only('DeviceAllow')).toBe('char-nvidia* rw');
  });

  it('protects the kernel, the clock, the host name and the control groups', () => {
    for (const key of [
      'ProtectKernelTunables',
      'ProtectKernelModules',
      'ProtectKernelLogs',
      'ProtectControlGroups',
      'ProtectClock',
      'ProtectHostname',
      'PrivateMounts',
      'RestrictNamespaces',
      'RestrictRealtime',
      'RestrictSUIDSGID',
      'LockPersonality',
      'RemoveIPC',
    ]) {
      expect(only(key), key).toBe('yes');
    }
  });

  it('leaves out what would blind the monitor or break Node.js, and says why', () => {
    // ECHO's processes (ProtectProc, PrivateUsers), /proc/meminfo and /proc/stat (ProcSubset), the NVIDIA devices
    // (PrivateDevices), its sources (PrivateNetwork), the JIT compiler (MemoryDenyWriteExecute).
    for (const key of [
      'ProtectProc',
      'ProcSubset',
      'PrivateUsers',
      'PrivateDevices',
      'PrivateNetwork',
      'MemoryDenyWriteExecute',
    ]) {
      expect(service.has(key), key).toBe(false);
      expect(text, key).toMatch(new RegExp(`^# .*${key}=`, 'm'));
    }
  });
});

const analyze = (...args: string[]) => {
  const run = spawnSync(ANALYZE, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe.skipIf(analyzeMissing !== null)(`systemd-analyze and ${UNIT}`, () => {
  it('finds nothing wrong in the unit', () => {
    expect(analyze('verify', UNIT)).toMatchObject({ status: 0, stderr: '' });
  });

  it('scores its exposure as the unit and docs/fleet.md say, far below the 4.1 it had', () => {
    const run = analyze('security', '--offline=true', '--no-pager', UNIT);
    expect(run.status, run.stderr).toBe(0);
    const score = /Overall exposure level for \S+: (\d+\.\d)/.exec(run.stdout)?.[1];
    expect(score).toBeDefined();
    expect(Number(score)).toBeLessThanOrEqual(2);
    // The figures stated are systemd 252's; another version weighs the settings its own way.
    const version = /^systemd (\d+)/.exec(analyze('--version').stdout)?.[1];
    if (version !== '252') return;
    expect(text).toContain(`scores its\n# exposure ${String(score)} with systemd 252`);
    expect(readFileSync(`${ROOT}/${FLEET}`, 'utf8')).toContain(
      `\`systemd-analyze security delegator-monitor\` scores its exposure ${String(score)}`,
    );
    // What is left of the score is the settings the unit leaves out on purpose, and nothing else.
    const exposed = [...run.stdout.matchAll(/^✗ (\S+?)=/gmu)].map((match) => match[1]);
    expect(new Set(exposed)).toEqual(
      new Set([
        'RootDirectory',
        'PrivateDevices',
        'MemoryDenyWriteExecute',
        'RestrictAddressFamilies',
        'ProtectProc',
        'ProcSubset',
        'PrivateNetwork',
        'PrivateUsers',
        'DeviceAllow',
        'IPAddressDeny',
      ]),
    );
  });
});
