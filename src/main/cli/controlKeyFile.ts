import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import { ConfigError } from '../config';
import type { CliIo } from './output';
import { readSecretFile, SecretFileError } from '../sources/secretFile';
import { stateDir } from './stateDir';

/** What a control key looks like: the base64url of 32 random bytes, as made here, or a token of the user's own. */
const KEY_PATTERN = /^[\x21-\x7e]{16,1024}$/;

export interface ControlKey {
  readonly key: string;
  /** The file it is kept in, readable by this user only. */
  readonly file: string;
}

/** `MONITOR_CONTROL_KEY_FILE`, else `control-key` in the command line's state folder. */
export function controlKeyPath(env: CliIo['env']): string {
  const given = env.MONITOR_CONTROL_KEY_FILE;
  return given !== undefined && given !== '' ? given : join(stateDir(env), 'control-key');
}

function readKey(file: string): string | null {
  let text: string;
  try {
    text = readSecretFile(file);
  } catch (error) {
    if (
      error instanceof SecretFileError &&
      error.cause instanceof Error &&
      'code' in error.cause &&
      error.cause.code === 'ENOENT'
    )
      return null;
    throw new ConfigError(
      `Invalid configuration: the control key file ${escapeControls(file)} ${escapeControls(error instanceof Error ? error.message : String(error))}`,
      { cause: error },
    );
  }
  const key = text.trim();
  if (!KEY_PATTERN.test(key))
    throw new ConfigError(
      `Invalid configuration: the control key file ${escapeControls(file)} must hold 16 to 1024 printable characters, without spaces`,
    );
  return key;
}

/**
 * The key every control needs (Stop, End session, Unload, snooze): kept in a
 * file only this user can read, made the first time. Whoever can read it is
 * this user, or root; any other account on the machine reaches the dashboard's
 * figures over loopback, but not its controls. It lasts across launches, so an
 * address that carries it keeps working.
 */
export function loadControlKey(env: CliIo['env']): ControlKey {
  const file = controlKeyPath(env);
  const kept = readKey(file);
  if (kept !== null) return { key: kept, file };
  const key = randomBytes(32).toString('base64url');
  const partial = `${file}.${randomBytes(8).toString('hex')}`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Written whole under a fresh name, created exclusively (nothing planted there is written through), then linked
    // into place, which fails rather than replaces: a launch at the same moment reads a whole key or makes its own.
    writeFileSync(partial, `${key}\n`, { flag: 'wx', mode: 0o600 });
    linkSync(partial, file);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      // Another launch made it first; its key is the one.
      const theirs = readKey(file);
      if (theirs !== null) return { key: theirs, file };
    }
    throw new ConfigError(
      `Invalid configuration: the control key cannot be kept in ${escapeControls(file)} (${escapeControls(errorText(error))})`,
      { cause: error },
    );
  } finally {
    rmSync(partial, { force: true });
  }
  return { key, file };
}
