import { CONTROL_KEY_PARAMETER } from '../../../shared/api';

/**
 * Kept in this origin's storage: a browser keeps it apart per scheme, host and port, so no other server on this machine
 * sees it.
 */
const STORAGE_NAME = 'delegator-monitor.control-key';

/** Why a control could not be sent without the key, in words for the person who clicked. */
export const NO_CONTROL_KEY =
  "The controls need this monitor's key, which only its own user can read: open the dashboard from the address in the control-url file `serve` wrote beside its key (see its start-up lines).";

type KeyStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Takes a key the address carries (`#key=…`) into storage and out of the
 * address, so it is in no bookmark, history entry or screen share. The part
 * after `#` never reaches a server.
 */
export function takeControlKeyFromAddress(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  history: Pick<History, 'replaceState'>,
  storage: KeyStore,
): void {
  const key = new URLSearchParams(location.hash.replace(/^#/, '')).get(CONTROL_KEY_PARAMETER);
  if (key === null || key === '') return;
  storage.setItem(STORAGE_NAME, key);
  history.replaceState(null, '', `${location.pathname}${location.search}`);
}

export function storedControlKey(storage: KeyStore): string | null {
  return storage.getItem(STORAGE_NAME);
}

/**
 * A key the monitor refused (made anew, or another monitor's on this port) is dropped, so the page says the key is
 * needed.
 */
export function forgetControlKey(storage: KeyStore): void {
  storage.removeItem(STORAGE_NAME);
}
