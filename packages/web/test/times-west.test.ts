// A browser west of UTC, as an officer's in Washington would be, where midnight UTC is still the
// day before; set before the module that formats times is loaded.
process.env.TZ = 'America/New_York';
const { formatDate, formatTimesIn } = await import('../src/i18n/index.js');
import { describe, expect, it } from 'vitest';

describe('formatDate west of UTC', () => {
  it('shows a bare YYYY-MM-DD (a norm position’s date, a preservation’s last day) as that day', () => {
    expect(formatDate('2026-12-15')).toBe('Dec 15, 2026');
    expect(formatTimesIn('ends on 2026-12-15.')).toBe('ends on Dec 15, 2026.');
  });

  it('still shows a moment’s day in the browser’s time zone', () => {
    expect(formatDate('2026-12-15T02:00:00Z')).toBe('Dec 14, 2026');
  });
});
