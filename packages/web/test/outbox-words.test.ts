import { describe, expect, it } from 'vitest';
// The protocol's list of message types, by path: the web takes no runtime code from it, but this
// test holds the Messages page's names to it.
import { messageBodies } from '../../protocol/src/messages.js';
import { messages } from '../src/i18n/en.js';

const o = messages.outbox;

describe('the Messages page in words', () => {
  it('names every type of message the protocol has, in words rather than its code', () => {
    for (const type of Object.keys(messageBodies)) {
      expect(o.types[type], type).toBeTruthy();
      expect(o.types[type], type).not.toContain('.');
    }
  });

  it('gives the delivery period in hours under a day, and in days when whole days', () => {
    expect(o.period(1)).toBe('1 hour');
    expect(o.period(12)).toBe('12 hours');
    expect(o.period(36)).toBe('36 hours');
    expect(o.period(24)).toBe('1 day');
    expect(o.period(168)).toBe('7 days');
    expect(o.queuedHelp(o.period(12))).toBe('Parley keeps trying for up to 12 hours.');
    expect(o.failedHelp(o.period(168))).toBe('Parley gave up after 7 days of trying.');
  });

  it('says of a message delivered after it was given up when it was given up and when the peer received it', () => {
    expect(o.deliveredAfterGivingUp('XAE', '28 Nov 2026, 00:20', '28 Nov 2026, 00:19')).toBe(
      'Parley gave this message up at 28 Nov 2026, 00:20, and told the officers it had failed. XAE’s signed receipt arrived afterwards: XAE received the message at 28 Nov 2026, 00:19.',
    );
  });
});
