import { describe, expect, it } from 'vitest';
import { dayIn, timeIn } from '../../src/renderer/src/zonedFormat';

describe("the dashboard's times", () => {
  it("are shown in the monitor's zone, not the browser's, so serve viewed from elsewhere agrees with status", () => {
    const instant = '2026-11-24T23:30:05.000Z';
    expect(timeIn('Asia/Kolkata')(instant)).toBe('05:00:05');
    expect(dayIn('Asia/Kolkata')(instant)).toBe('2026-11-25');
    expect(timeIn('America/New_York')(instant)).toBe('18:30:05');
    expect(dayIn('America/New_York')(instant)).toBe('2026-11-24');
  });

  it("fall back to the browser's zone for one it does not know", () => {
    expect(timeIn('Mars/Phobos')('2026-11-24T23:30:05.000Z')).toMatch(/^\d\d:\d\d:05$/);
  });
});
