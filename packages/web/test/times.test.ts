// The browser's time zone, as an officer's at a ministry in Oslo would be; set before the module
// that formats times is loaded.
process.env.TZ = 'Europe/Oslo';
const { formatTime, messages } = await import('../src/i18n/index.js');
import { describe, expect, it } from 'vitest';

describe('formatTime', () => {
  it("names the time zone it gives a time in, since the case file gives the same moment in UTC", () => {
    expect(formatTime('2026-11-28T13:04:00Z')).toBe('Nov 28, 2026, 2:04 PM GMT+1');
    expect(formatTime('2026-07-01T08:30:00Z')).toBe('Jul 1, 2026, 10:30 AM GMT+2');
  });

  it('says a missing time is unknown, and shows what is not a time as it is', () => {
    expect(formatTime(null)).toBe(messages.common.unknownTime);
    expect(formatTime('soon')).toBe('soon');
  });
});
