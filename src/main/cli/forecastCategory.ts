import { escapeJsonControls } from '../../shared/terminalText';
import { CATEGORY_AGENTS } from '../core/echoRoster';

/** `--category` is checked while the arguments are read, before the command's own modules load. */
export function isEchoCategory(category: string): boolean {
  return Object.hasOwn(CATEGORY_AGENTS, category);
}

export function unknownCategoryText(category: string): string {
  return `--category ${escapeJsonControls(JSON.stringify(category))}: not one of ECHO's categories: ${Object.keys(CATEGORY_AGENTS).join(', ')}`;
}
