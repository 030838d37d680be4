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
    expect(() => configFromEnv({}, { PARLEY_DELIVERY_HOURS: '200' })).toThrow('invalid configuration: PARLEY_DELIVERY_HOURS: at most 168 hours (seven days): a receiver refuses an envelope created longer ago than that');
    expect(() => configFromEnv({}, { PARLEY_DELIVERY_HOURS: '0' })).toThrow('invalid configuration: PARLEY_DELIVERY_HOURS: a number of hours above 0, such as 24');
    expect(() => configFromEnv({}, { PARLEY_DELIVERY_HOURS: 'a week' })).toThrow('invalid configuration: PARLEY_DELIVERY_HOURS: a number of hours, such as 24 or 168');
  });

  it('reads how long a statement waits for PostgreSQL to answer, 30 seconds unless set, and at most an hour', () => {
    expect(configFromEnv({}, {}).databaseAnswerSeconds).toBe(30);
    expect(configFromEnv({}, { PARLEY_DATABASE_ANSWER_SECONDS: '5' }).databaseAnswerSeconds).toBe(5);
    expect(() => configFromEnv({}, { PARLEY_DATABASE_ANSWER_SECONDS: '0' })).toThrow('invalid configuration: PARLEY_DATABASE_ANSWER_SECONDS: a number of seconds above 0, such as 30');
    expect(() => configFromEnv({}, { PARLEY_DATABASE_ANSWER_SECONDS: '7200' })).toThrow('invalid configuration: PARLEY_DATABASE_ANSWER_SECONDS: at most 3600 seconds (an hour)');
    expect(() => configFromEnv({}, { PARLEY_DATABASE_ANSWER_SECONDS: 'half a minute' })).toThrow('invalid configuration: PARLEY_DATABASE_ANSWER_SECONDS: a number of seconds, such as 30');
  });

  it('takes the environment unless a setting is given: an undefined one keeps it, a null one drops it', () => {
    const env = { PARLEY_PORT: '9090', PARLEY_HOST: '127.0.0.2', PARLEY_DATA: '/srv/parley', DATABASE_URL: 'postgres://p@db.example/parley' };
    expect(configFromEnv({ port: undefined, host: undefined, dataDir: undefined }, env)).toMatchObject({ port: 9090, host: '127.0.0.2', dataDir: '/srv/parley', databaseUrl: 'postgres://p@db.example/parley' });
    const given = configFromEnv({ port: 0, dataDir: '/tmp/x', databaseUrl: null }, env);
    expect(given).toMatchObject({ port: 0, host: '127.0.0.2', dataDir: '/tmp/x' });
    expect(given.databaseUrl).toBeUndefined();
    expect(configFromEnv({}, {})).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './data' });
  });

  it('names the variable or the flag a bad value came from', () => {
    expect(() => configFromEnv({}, { PARLEY_PORT: 'abc' })).toThrow(/^invalid configuration: PARLEY_PORT: /);
    expect(() => configFromEnv({ port: 'abc' }, { PARLEY_PORT: '8080' })).toThrow(/^invalid configuration: --port: /);
    expect(() => configFromEnv({}, { PARLEY_LOG_LEVEL: 'loud' })).toThrow(/^invalid configuration: PARLEY_LOG_LEVEL: /);
  });

  it('reads the trusted reverse proxies as a list, and names what it cannot read', () => {
    expect(configFromEnv({}, { PARLEY_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,192.0.2.1' }).trustedProxies).toEqual(['loopback', '10.0.0.0/8', '192.0.2.1']);
    expect(configFromEnv({}, {}).trustedProxies).toBeUndefined();
    expect(() => configFromEnv({}, { PARLEY_TRUSTED_PROXIES: 'loopback,proxy.example' })).toThrow(
      /^invalid configuration: PARLEY_TRUSTED_PROXIES: invalid IP address: proxy\.example; give loopback, uniquelocal, addresses or CIDR ranges/,
    );
  });
});
