import { OPERATION_NAMES, type OperationName } from './ipcChannels';
import type { OperationArgs, OperationMethods, OperationResult } from './operations';

/** Makes the method of each operation, held by the type checker to that operation's own arguments and answer. */
export type MethodMaker = <Name extends OperationName>(
  name: Name,
) => (...args: OperationArgs<Name>) => Promise<OperationResult<Name>>;

/**
 * The MonitorApi's operations, each method made by `method`: how the preload,
 * the page's HTTP client and what wraps an API build theirs, so that none
 * lists the operations again and none can leave one out. No schemas here:
 * the sandboxed preload bundles this file.
 */
export function operationMethods(method: MethodMaker): OperationMethods {
  // `method` was checked for every name; Object.fromEntries forgets which key holds which.
  return Object.fromEntries(OPERATION_NAMES.map((name) => [name, method(name)])) as OperationMethods;
}
