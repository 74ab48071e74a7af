import type { FocusTarget } from '../../shared/focus';

const SELECTORS: Readonly<Record<FocusTarget['kind'], (id: string) => string>> = {
  agent: (id) => `[data-role="${CSS.escape(id)}"]`,
  session: (id) => `[data-session-id="${CSS.escape(id)}"]`,
  source: () => '[aria-label="Sources"]',
  settings: () => '#settings',
};

/** Brings the thing a notification was about into view, and marks it for a moment. */
export function showTarget(target: FocusTarget): void {
  if (target.kind === 'settings') window.dispatchEvent(new Event('monitor:open-settings'));
  const element = document.querySelector<HTMLElement>(SELECTORS[target.kind](target.id));
  if (!element) return;
  element.scrollIntoView({ behavior: 'smooth', block: 'center' });
  // The alert suggested acting on it: the first control (Stop, End session) takes the keyboard; it still asks before
  // acting.
  if (target.control === true) element.querySelector<HTMLElement>('[data-control]')?.focus({ preventScroll: true });
  element.classList.add('focused');
  setTimeout(() => {
    element.classList.remove('focused');
  }, 3000);
}
