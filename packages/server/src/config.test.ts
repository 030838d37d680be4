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

  it('reads how long the sender retries a message, seven days unless set, and at most that', () => {
    expect(configFromEnv({}, {}).deliveryHours).toBe(168);
    expect(configFromEnv({}, { PARLEY_DELIVERY_HOURS: '24' }).deliveryHours).toBe(24);
    expect(configFromEnv({}, { PARLEY_DELIVERY_HOURS: '0.5' }).deliveryHours).toBe(0.5);
    expect(() => configFromEnv({}, { PARLEY_DELIVERY_HOURS: '200' })).toThrow('invalid configuration: deliveryHours: at most 168 hours (seven days): a receiver refuses an envelope created longer ago than that');
    expect(() => configFromEnv({}, { PARLEY_DELIVERY_HOURS: '0' })).toThrow('invalid configuration: deliveryHours: a number of hours above 0, such as 24');
    expect(() => configFromEnv({}, { PARLEY_DELIVERY_HOURS: 'a week' })).toThrow('invalid configuration: deliveryHours: a number of hours, such as 24 or 168');
  });
});
