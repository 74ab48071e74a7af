/**
 * A module resolve hook (node:module `register`): the bare specifier
 * `electron` resolves to the stand-in. It is handed on to the next hook, tsx's,
 * so the stand-in's TypeScript is compiled as the rest is.
 */
import type { InitializeHook, ResolveHook } from 'node:module';

let standIn = '';

export const initialize: InitializeHook<{ electron: string }> = (data) => {
  standIn = data.electron;
};

export const resolve: ResolveHook = (specifier, context, nextResolve) =>
  nextResolve(specifier === 'electron' || specifier === 'electron/main' ? standIn : specifier, context);
