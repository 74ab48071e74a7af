import { dirname, join } from 'node:path';
import { CONTROL_KEY_PARAMETER } from '../../shared/api';
import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import { writeOwnFile } from '../demo/ownFiles';
import type { ControlKey } from './controlKeyFile';
import type { CliIo } from './output';

/** Beside the key: the dashboard's address with the key, for this launch's port. */
export const CONTROLS_ADDRESS_FILE = 'control-url';

/**
 * Writes the dashboard's address carrying the control key to a file only this
 * user can read, and says where. The address itself is printed only to a
 * terminal: a service's log (journald, a launchd log file) may be read by
 * others, the key never goes there. Returns the line to print.
 */
export async function keepControlsAddress(
  dashboard: string,
  control: ControlKey,
  io: Pick<CliIo, 'stdout'>,
): Promise<string> {
  const address = `${dashboard}#${CONTROL_KEY_PARAMETER}=${control.key}`;
  const file = join(dirname(control.file), CONTROLS_ADDRESS_FILE);
  try {
    // Written as the demo keeps its copy: nothing planted at the file's name is written through.
    await writeOwnFile(file, Buffer.from(`${address}\n`));
  } catch (error) {
    return `Controls: the address with the control key could not be kept in ${escapeControls(file)} (${escapeControls(errorText(error))}); the key is in ${escapeControls(control.file)}.`;
  }
  const onTerminal = (io.stdout as { isTTY?: boolean } | undefined)?.isTTY === true;
  const where = `Controls: open the address in ${escapeControls(file)} (readable by this user only)`;
  return onTerminal ? `${where}:\n  ${address}` : `${where}.`;
}
