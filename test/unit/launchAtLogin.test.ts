import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostartEntry, autostartPath, setLinuxAutostart } from '../../src/main/desktop/launchAtLogin';

describe('launch at login on Linux', () => {
  it('writes an XDG autostart entry that starts the app hidden, quoting its path, and removes it', async () => {
    const config = await mkdtemp(join(tmpdir(), 'xdg-config-'));
    try {
      const env = { XDG_CONFIG_HOME: config };
      await setLinuxAutostart(true, '/opt/Delegator Monitor/delegator-monitor', [], env);
      const entry = await readFile(autostartPath(env), 'utf8');
      expect(entry).toContain('Exec="/opt/Delegator Monitor/delegator-monitor" "--hidden"');
      expect(entry.startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
      await setLinuxAutostart(false, '/opt/Delegator Monitor/delegator-monitor', [], env);
      await expect(stat(autostartPath(env))).rejects.toThrow();
    } finally {
      await rm(config, { recursive: true, force: true });
    }
  });

  it('escapes what the Exec key treats as special', () => {
    expect(autostartEntry('/home/a$b/"x"/app', ['--demo'])).toContain(
      'Exec="/home/a\\$b/\\"x\\"/app" "--demo" "--hidden"',
    );
  });
});
