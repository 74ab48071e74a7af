import { describe, expect, it } from 'vitest';
import { trayModel, type TrayMenuItem } from '../../src/main/core/views/trayModel';
import { TrayPresenter, type TrayLike } from '../../src/main/desktop/trayPresenter';
import { GIB, ok, ollamaModel, system } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');
/** Ollama holds the seed's two models, so the icon reads a measured share of RAM. */
const HELD = ok({ models: [ollamaModel('deepseek-coder:6.7b', 6.7), ollamaModel('codellama:13b', 13)] });
const model = (now: number, totalBytes = 32 * GIB, freeBytes = 16 * GIB) =>
  trayModel({
    snapshot: snapshotAt(now, { ollama: HELD, system: system({ totalBytes, freeBytes }) }),
    snoozedUntil: null,
    now,
    formatTime: (at) => at.slice(11, 16),
  });

function fakeTray() {
  const calls: string[] = [];
  const tray: TrayLike = {
    setImage: (image) => calls.push(`image ${String(image)}`),
    setToolTip: (text) => calls.push(`tooltip ${text}`),
    setTitle: (text) => calls.push(`title ${text}`),
    setContextMenu: (menu) => calls.push(`menu ${String((menu as unknown as TrayMenuItem[]).length)}`),
  };
  const presenter = new TrayPresenter<string, readonly TrayMenuItem[]>(
    {
      createTray: (icon) => {
        calls.push(`create ${icon}`);
        return tray;
      },
      iconFor: (state) => `${state}.png`,
      buildMenu: (items) => items,
    },
    { onAction: () => undefined, onFocus: () => undefined, onControl: () => undefined },
  );
  return { calls, presenter };
}

describe('the tray presenter', () => {
  it('creates the tray once and draws everything the first time', () => {
    const { calls, presenter } = fakeTray();
    expect(presenter.render(model(NOW))).toBe(true);
    expect(calls).toEqual([
      'create medium.png',
      'tooltip Delegator Monitor: 2 agents · 19.7 GB',
      'title 2 agents · 19.7 GB',
      'menu 22',
    ]);
  });

  it('does nothing for the same model', () => {
    const { calls, presenter } = fakeTray();
    presenter.render(model(NOW));
    calls.length = 0;
    expect(presenter.render(model(NOW))).toBe(false);
    expect(calls).toEqual([]);
  });

  it('touches only what changed', () => {
    const { calls, presenter } = fakeTray();
    presenter.render(model(NOW));
    calls.length = 0;
    // A minute on: the uptimes in the menu change, nothing else.
    presenter.render(model(NOW + 60_000));
    expect(calls).toEqual(['menu 22']);
    calls.length = 0;
    presenter.render(model(NOW + 60_000, 24 * GIB));
    expect(calls).toEqual(['image high.png']);
  });

  it('redraws the menu when categories stop fitting', () => {
    const { calls, presenter } = fakeTray();
    presenter.render(model(NOW, 128 * GIB, 100 * GIB));
    calls.length = 0;
    // Five of ECHO's categories need more than 16 GB: a line each, and their separator.
    presenter.render(model(NOW, 128 * GIB, 16 * GIB));
    expect(calls).toEqual(['menu 22']);
  });
});
