import type { ReceiverKind, Severity } from '../../../shared/model';
import { escapeControls } from '../../../shared/terminalText';
import { ConfigError, type ReceiverSettings, type SecretSetting } from '../../config';
import { readSecretFile, SecretFileError } from '../secretFile';

/** A receiver ready to send to: its secrets read. Neither the URL nor the token is ever logged or shown. */
export interface ReceiverTarget {
  readonly name: string;
  readonly kind: ReceiverKind;
  readonly minLevel: Severity;
  readonly url: URL;
  readonly token: string | null;
  readonly timeoutMs: number;
}

const refused = (receiver: ReceiverSettings, problem: string, cause?: unknown): ConfigError =>
  new ConfigError(`Invalid configuration: MONITOR_ALERT_RECEIVERS receiver ${receiver.name}: ${problem}`, { cause });

/** The secret's text: the value given, or the file's, trimmed (its final newline among what is trimmed). */
function secretText(receiver: ReceiverSettings, field: 'url' | 'token', secret: SecretSetting): string {
  if (secret.from === 'value') return secret.value;
  try {
    return readSecretFile(secret.path).trim();
  } catch (error) {
    if (!(error instanceof SecretFileError)) throw error;
    throw refused(receiver, `${field}File ${escapeControls(error.message)}`, error);
  }
}

function httpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Reads each receiver's secrets: a file given for its URL or token must be
 * fit to hold one (a regular file of a token's size, mode 600, owned by this
 * user or root), and what it holds must be a URL or a token. A ConfigError
 * names the receiver and the field, never the secret.
 */
export function resolveReceivers(receivers: readonly ReceiverSettings[]): ReceiverTarget[] {
  return receivers.map((receiver) => {
    const url = httpUrl(secretText(receiver, 'url', receiver.url));
    if (url === null) throw refused(receiver, 'urlFile must hold a http:// or https:// URL');
    const token = receiver.token && secretText(receiver, 'token', receiver.token);
    if (token !== null && !/^[\x21-\x7e]{1,1024}$/.test(token)) {
      throw refused(receiver, 'tokenFile must hold a token of 1 to 1024 printable characters, without spaces');
    }
    const { name, kind, minLevel, timeoutMs } = receiver;
    return { name, kind, minLevel, url, token, timeoutMs };
  });
}

/** `phone (ntfy)`, or `ntfy` for a receiver named by its kind: how every log line names it. */
export function receiverLabel(receiver: { readonly name: string; readonly kind: ReceiverKind }): string {
  return receiver.name === receiver.kind ? receiver.name : `${receiver.name} (${receiver.kind})`;
}
