import { escapeControls } from '../../shared/terminalText';
import { ConfigError } from '../config';
import { readSecretFile, SecretFileError } from '../sources/secretFile';

/** Long enough that guessing it over a network is hopeless: `openssl rand -hex 32` gives 64. */
const MIN_TOKEN_LENGTH = 16;
/** An HTTP header line has room for it, and a server compares it in no time. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * The token peers other than this machine must send to `serve`, from
 * `MONITOR_API_TOKEN_FILE` (a file holding it, which keeps it out of the
 * process list and the environment of child processes) or
 * `MONITOR_API_TOKEN`; null where neither is set. Surrounding whitespace, a
 * file's final newline among it, is not part of the token.
 */
export function accessTokenFrom(env: Readonly<Record<string, string | undefined>>): string | null {
  const file = env.MONITOR_API_TOKEN_FILE;
  let token: string;
  let name: string;
  if (file !== undefined && file !== '') {
    name = 'MONITOR_API_TOKEN_FILE';
    try {
      token = readSecretFile(file).trim();
    } catch (error) {
      if (!(error instanceof SecretFileError)) throw error;
      throw new ConfigError(`Invalid configuration: MONITOR_API_TOKEN_FILE ${escapeControls(error.message)}`, {
        cause: error,
      });
    }
  } else if (env.MONITOR_API_TOKEN !== undefined && env.MONITOR_API_TOKEN !== '') {
    name = 'MONITOR_API_TOKEN';
    token = env.MONITOR_API_TOKEN.trim();
  } else {
    return null;
  }
  // The token is never echoed; only what is wrong with it.
  if (token.length < MIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(
      `Invalid configuration: ${name} must hold a token of ${String(MIN_TOKEN_LENGTH)} to ${String(MAX_TOKEN_LENGTH)} printable characters, without spaces (openssl rand -hex 32 makes one)`,
    );
  }
  return token;
}
