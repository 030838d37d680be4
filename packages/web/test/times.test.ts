// The browser's time zone, as an officer's at a ministry in Oslo would be; set before the module
// that formats times is loaded.
process.env.TZ = 'Europe/Oslo';
const { formatDate, formatTime, formatTimesIn, messages } = await import('../src/i18n/index.js');
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

describe('formatTimesIn: the moments in the node’s sentences, in the one format of the page', () => {
  it('rewrites the case file’s UTC time, which notifications of a received case carry', () => {
    const message = 'XAA raised a consultation (urgent, TLP:AMBER): “Scan”. Acknowledge it by 28 Nov 2026, 13:04 UTC.';
    expect(formatTimesIn(message)).toBe(`XAA raised a consultation (urgent, TLP:AMBER): “Scan”. Acknowledge it by ${formatTime('2026-11-28T13:04:00Z')}.`);
    expect(formatTimesIn(message)).toContain('Nov 28, 2026, 2:04 PM GMT+1');
  });

  it('rewrites ISO 8601 moments and YYYY-MM-DD days', () => {
    expect(formatTimesIn('XAA asks a point of contact of this state to confirm a communication check by 2026-11-28T13:04:13.050Z.')).toBe(
      'XAA asks a point of contact of this state to confirm a communication check by Nov 28, 2026, 2:04 PM GMT+1.',
    );
    expect(formatTimesIn('The preservation of data by XAB for “Mailbox” ends on 2026-12-15. Send the request before then.')).toBe(
      'The preservation of data by XAB for “Mailbox” ends on Dec 15, 2026. Send the request before then.',
    );
  });

  it('leaves alone what only looks like a time: identifiers, digests, impossible dates', () => {
    const text = 'Message 0b5e2f1c-2026-4a1b-9c3d-1234567890ab, SHA-256 2026112813041234abcdef, day 2026-13-45, at 99 Nov 2026, 25:99 UTC.';
    expect(formatTimesIn(text)).toBe(text);
  });
});
