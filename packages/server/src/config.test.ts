import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.js';

describe('node configuration from the environment', () => {
  it('reads acknowledgement hours per urgency, keeping the defaults for those left out', () => {
    const c = configFromEnv({}, { PARLEY_ACK_HOURS: 'urgent=4, routine=120' });
    expect(c.ackHours).toEqual({ urgent: 4, high: 72, routine: 120 });
    expect(configFromEnv({}, {}).ackHours).toEqual({ urgent: 24, high: 72, routine: 240 });
  });

  it('refuses acknowledgement hours it cannot read, saying how to write them', () => {
    expect(() => configFromEnv({}, { PARLEY_ACK_HOURS: 'urgent:4' })).toThrow(/"urgent:4" is not urgency=hours; write for example urgent=24,high=72,routine=240/);
    expect(() => configFromEnv({}, { PARLEY_ACK_HOURS: 'soon=1' })).toThrow(/is not urgency=hours/);
  });
});
