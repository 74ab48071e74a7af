import { homedir } from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stateDir } from '../../src/main/cli/stateDir';
import { localDataDir } from '../../src/main/desktop/localDataDir';

const realPlatform = Object.getOwnPropertyDescriptor(process, 'platform');

/** env-paths reads process.platform when called: the only way to ask it about another platform. */
function pretendPlatform(platform: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { value: platform, configurable: true });
}

afterEach(() => {
  if (realPlatform) Object.defineProperty(process, 'platform', realPlatform);
  vi.unstubAllEnvs();
});

describe('stateDir', () => {
  it('is XDG state on Linux, the given XDG_STATE_HOME first', () => {
    expect(stateDir({ XDG_STATE_HOME: '/xdg/state' }, 'linux', '/home/me')).toBe('/xdg/state/delegator-monitor');
    expect(stateDir({}, 'linux', '/home/me')).toBe('/home/me/.local/state/delegator-monitor');
    // XDG: an empty variable is an unset one.
    expect(stateDir({ XDG_STATE_HOME: '' }, 'linux', '/home/me')).toBe('/home/me/.local/state/delegator-monitor');
  });

  it("follows the given environment, not the process's", () => {
    vi.stubEnv('XDG_STATE_HOME', '/from/process');
    expect(stateDir({ XDG_STATE_HOME: '/given' }, 'linux')).toBe('/given/delegator-monitor');
    expect(stateDir({}, 'linux', '/home/me')).toBe('/home/me/.local/state/delegator-monitor');
  });

  it('is XDG state on the other Unixes', () => {
    expect(stateDir({}, 'freebsd', '/home/me')).toBe('/home/me/.local/state/delegator-monitor');
  });

  it('is Application Support on macOS', () => {
    expect(stateDir({ XDG_STATE_HOME: '/xdg/state' }, 'darwin', '/Users/me')).toBe(
      '/Users/me/Library/Application Support/delegator-monitor',
    );
  });

  it('is the machine-local %LOCALAPPDATA% on Windows', () => {
    expect(stateDir({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32', 'C:\\Users\\me')).toBe(
      'C:\\Users\\me\\AppData\\Local\\delegator-monitor',
    );
    expect(stateDir({}, 'win32', 'C:\\Users\\me')).toBe('C:\\Users\\me\\AppData\\Local\\delegator-monitor');
    expect(stateDir({ LOCALAPPDATA: '', APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32', 'C:\\Users\\me')).toBe(
      'C:\\Users\\me\\AppData\\Local\\delegator-monitor',
    );
  });

  it("is the running platform's folder by default", () => {
    expect(stateDir({}, process.platform, homedir())).toBe(stateDir({}));
  });

  it('asks env-paths itself on a Mac', () => {
    pretendPlatform('darwin');
    expect(stateDir({})).toBe(envPaths('delegator-monitor', { suffix: '' }).data);
    expect(stateDir({})).toBe(path.join(homedir(), 'Library', 'Application Support', 'delegator-monitor'));
  });

  describe("agrees with env-paths' rules", () => {
    const home = homedir();
    const paths = () => envPaths('delegator-monitor', { suffix: '' });

    it('on Linux: its log folder, which is XDG state', () => {
      pretendPlatform('linux');
      vi.stubEnv('XDG_STATE_HOME', '');
      expect(stateDir({}, 'linux', home)).toBe(paths().log);
      vi.stubEnv('XDG_STATE_HOME', '/xdg/state');
      expect(stateDir({ XDG_STATE_HOME: '/xdg/state' }, 'linux', home)).toBe(paths().log);
    });

    it('on macOS: its data folder', () => {
      pretendPlatform('darwin');
      expect(stateDir({}, 'darwin', home)).toBe(paths().data);
    });

    it('on Windows: the folder above its data folder (env-paths adds `Data`)', () => {
      pretendPlatform('win32');
      // On this host env-paths joins with `/`; Windows takes either separator.
      const asWindows = (value: string): string => value.replaceAll('/', '\\');
      vi.stubEnv('LOCALAPPDATA', 'C:\\Users\\me\\AppData\\Local');
      expect(stateDir({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32', home)).toBe(
        path.win32.dirname(asWindows(paths().data)),
      );
      vi.stubEnv('LOCALAPPDATA', '');
      expect(asWindows(stateDir({}, 'win32', home))).toBe(path.win32.dirname(asWindows(paths().data)));
    });
  });
});

describe('localDataDir', () => {
  const roaming = 'C:\\Users\\me\\AppData\\Roaming\\Delegator Monitor';

  it('moves the series and logs out of the roaming profile on Windows', () => {
    expect(localDataDir(roaming, 'win32', { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' })).toBe(
      'C:\\Users\\me\\AppData\\Local\\Delegator Monitor',
    );
  });

  it('falls back to ~\\AppData\\Local without LOCALAPPDATA, as env-paths does', () => {
    expect(localDataDir(roaming, 'win32', {}, 'C:\\Users\\me')).toBe(
      'C:\\Users\\me\\AppData\\Local\\Delegator Monitor',
    );
    expect(localDataDir(roaming, 'win32', { LOCALAPPDATA: '' }, 'C:\\Users\\me')).toBe(
      'C:\\Users\\me\\AppData\\Local\\Delegator Monitor',
    );
  });

  it.each(['darwin', 'linux'] as const)(
    'is the user data folder itself on %s, which has no roaming profile',
    (platform) => {
      expect(
        localDataDir('/Users/me/Library/Application Support/Delegator Monitor', platform, { LOCALAPPDATA: 'C:\\x' }),
      ).toBe('/Users/me/Library/Application Support/Delegator Monitor');
    },
  );
});
