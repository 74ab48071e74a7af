// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  NO_CONTROL_KEY,
  storedControlKey,
  takeControlKeyFromAddress,
} from '../../src/renderer/src/api/storedControlKey';
import { createHttpMonitorApi } from '../../src/renderer/src/api/httpMonitorApi';
import { TOKEN_HEADER } from '../../src/shared/api';

afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('the control key in the page', () => {
  it('is taken from the address into this origin’s storage, and out of the address', () => {
    const replaceState = vi.fn();
    takeControlKeyFromAddress(
      { hash: '#key=k3y-0123456789abcdef', pathname: '/', search: '?x=1' },
      { replaceState },
      window.localStorage,
    );
    expect(storedControlKey(window.localStorage)).toBe('k3y-0123456789abcdef');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?x=1');
  });

  it('leaves an address without one as it is', () => {
    const replaceState = vi.fn();
    takeControlKeyFromAddress({ hash: '#agent=cto', pathname: '/', search: '' }, { replaceState }, window.localStorage);
    expect(storedControlKey(window.localStorage)).toBeNull();
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('is sent with each control; without it nothing is sent, and the page says how to get it', async () => {
    const sent: Array<Headers> = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init: RequestInit) => {
        sent.push(new Headers(init.headers));
        return Promise.resolve(
          new Response(JSON.stringify({ snoozedUntil: null }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          }),
        );
      }),
    );
    const api = createHttpMonitorApi('', window.localStorage);
    await expect(api.resumeNotifications()).rejects.toThrow(NO_CONTROL_KEY);
    expect(sent).toEqual([]);
    window.localStorage.setItem('delegator-monitor.control-key', 'k3y-0123456789abcdef');
    await expect(api.resumeNotifications()).resolves.toEqual({ snoozedUntil: null });
    expect(sent[0]?.get(TOKEN_HEADER)).toBe('k3y-0123456789abcdef');
  });

  it('is forgotten when the monitor refuses it, so the page asks for the right one', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(new Response(JSON.stringify({ error: 'missing or wrong x-monitor-token' }), { status: 401 })),
      ),
    );
    window.localStorage.setItem('delegator-monitor.control-key', 'an-old-key-0123456789');
    await expect(createHttpMonitorApi('', window.localStorage).resumeNotifications()).rejects.toThrow(NO_CONTROL_KEY);
    expect(storedControlKey(window.localStorage)).toBeNull();
  });
});
