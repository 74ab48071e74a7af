import type { Page } from 'playwright-core';

/**
 * What a person would see wrong on the page as laid out now, in words: text
 * or controls drawn past the card or panel that holds them, a page that
 * scrolls sideways, buttons cut off or with their words clipped, and agents'
 * memory cells taller than three lines. Empty when nothing is.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  // Runs in the page: everything it uses is defined inside it.
  return page.evaluate(() => {
    const problems: string[] = [];
    const SLACK = 1;
    const describe = (element: Element): string => {
      const classes =
        typeof element.className === 'string' && element.className !== ''
          ? `.${element.className.trim().split(/\s+/).join('.')}`
          : '';
      const text = element.textContent.replace(/\s+/g, ' ').trim().slice(0, 50);
      return `<${element.tagName.toLowerCase()}${classes}> "${text}"`;
    };
    const shown = (element: Element): boolean => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && element.closest('.sr-only') === null;
    };
    const scrollsDown = (element: Element, panel: Element): boolean => {
      for (let at = element.parentElement; at !== null && at !== panel; at = at.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(at).overflowY)) return true;
      }
      return false;
    };
    const nameOf = (panel: Element): string => {
      const label = panel.getAttribute('aria-labelledby');
      return (
        (label === null ? null : document.getElementById(label)?.textContent) ??
        panel.getAttribute('aria-label') ??
        panel.querySelector('h2, h3')?.textContent ??
        describe(panel)
      );
    };

    // Nothing drawn off its card or panel: sideways at all, downwards unless it is a list that scrolls.
    for (const panel of document.querySelectorAll('.panel, .card')) {
      if (!shown(panel)) continue;
      const frame = panel.getBoundingClientRect();
      const outside = new Set<Element>();
      for (const element of panel.querySelectorAll('*')) {
        if (!shown(element)) continue;
        const box = element.getBoundingClientRect();
        const sideways = box.left < frame.left - SLACK || box.right > frame.right + SLACK;
        const below =
          !scrollsDown(element, panel) && (box.top < frame.top - SLACK || box.bottom > frame.bottom + SLACK);
        if (!sideways && !below) continue;
        outside.add(element);
        // The outermost one says where; what it holds goes with it.
        if (element.parentElement === null || !outside.has(element.parentElement)) {
          problems.push(
            `${describe(element)} spans x ${Math.round(box.left)}–${Math.round(box.right)}, y ${Math.round(box.top)}–${Math.round(box.bottom)}, outside "${nameOf(panel)}" (x ${Math.round(frame.left)}–${Math.round(frame.right)}, y ${Math.round(frame.top)}–${Math.round(frame.bottom)})`,
          );
        }
      }
    }

    const sideways = document.documentElement.scrollWidth - window.innerWidth;
    if (sideways > 0) problems.push(`the page scrolls ${sideways} px sideways`);

    // Every button whole: inside whatever clips it, and its words inside it.
    for (const button of document.querySelectorAll('button')) {
      if (!shown(button)) continue;
      if (button.scrollWidth > button.clientWidth)
        problems.push(`${describe(button)} clips its text (${button.scrollWidth} px in ${button.clientWidth} px)`);
      const box = button.getBoundingClientRect();
      for (let at = button.parentElement; at !== null; at = at.parentElement) {
        const style = getComputedStyle(at);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const frame = at.getBoundingClientRect();
        const insideX = box.left >= frame.left - SLACK && box.right <= frame.right + SLACK;
        const insideY =
          style.overflowY === 'visible' || (box.top >= frame.top - SLACK && box.bottom <= frame.bottom + SLACK);
        if (!insideX || (!insideY && !['auto', 'scroll'].includes(style.overflowY))) {
          problems.push(`${describe(button)} is cut off by ${describe(at)}`);
          break;
        }
      }
    }

    // An agent's memory: its figure, its readings, a flag at most; not a column of words.
    const agents = document.querySelector('[aria-labelledby="agents-heading"] table');
    if (agents !== null) {
      const column = [...agents.querySelectorAll('thead th')].findIndex(
        (header) => header.textContent.trim().toLowerCase() === 'memory',
      );
      if (column < 0) problems.push('the agents table has no Memory column');
      for (const row of agents.querySelectorAll('tbody tr[data-role]')) {
        const cell = row.children[column];
        if (cell === undefined) continue;
        const style = getComputedStyle(cell);
        const fontSize = parseFloat(style.fontSize);
        const line = style.lineHeight === 'normal' ? fontSize * 1.25 : parseFloat(style.lineHeight);
        // The cell is as tall as its row; its contents are what it needs.
        const contents = document.createRange();
        contents.selectNodeContents(cell);
        const height = contents.getBoundingClientRect().height;
        if (height > line * 3.5)
          problems.push(
            `the memory cell of ${row.getAttribute('data-role') ?? '?'} is ${Math.round(height / line)} lines tall: ${describe(cell)}`,
          );
      }
    }
    return problems;
  });
}
