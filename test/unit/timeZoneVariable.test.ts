import { describe, expect, it } from 'vitest';
import { readTzVariable, systemTimeZone } from '../../src/main/core/localTime';

const intlKnows = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format(0);
    return true;
  } catch {
    return false;
  }
};

describe('TZ as the C library reads it', () => {
  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['utc', 'UTC'],
    ['US/Pacific', 'America/Los_Angeles'],
    [':Europe/Paris', 'Europe/Paris'],
    ['posix/Asia/Tokyo', 'Asia/Tokyo'],
    ['/usr/share/zoneinfo/Asia/Tokyo', 'Asia/Tokyo'],
    [':/usr/share/zoneinfo/right/Europe/Berlin', 'Europe/Berlin'],
    // POSIX counts hours west of Greenwich, as the Etc/GMT zones do.
    ['UTC0', 'UTC'],
    ['JST-9', 'Etc/GMT-9'],
    ['EST5', 'Etc/GMT+5'],
    ['<-03>3', 'Etc/GMT+3'],
  ])('names the zone of %s: %s', (tz, zone) => {
    expect(readTzVariable(tz)).toEqual({ valid: true, zone });
  });

  // Forms Intl has no name for: the system's zone stands, as Node's own Date would use it.
  it.each([':/etc/localtime', '/etc/localtime', 'CET-1CEST,M3.5.0,M10.5.0/3', '<+0530>-5:30', '', undefined])(
    'accepts %j without a name',
    (tz) => {
      expect(readTzVariable(tz)).toEqual({ valid: true, zone: null });
    },
  );

  it.each(['Mars/Phobos', 'Europe/Pariss', 'Foo', 'Etc/GMT+13', ':Mars/Phobos', '+01:00'])(
    'refuses %s, which names nothing',
    (tz) => {
      expect(readTzVariable(tz)).toEqual({ valid: false });
    },
  );

  it("gives this machine's zone as one Intl knows, never undefined", () => {
    const zone = systemTimeZone();
    expect(typeof zone).toBe('string');
    expect(intlKnows(zone)).toBe(true);
  });
});
