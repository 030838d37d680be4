import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.js';
import { smtpSettings, smtpTarget } from './mailer.js';

describe('SMTP configuration', () => {
  it('sends no e-mail without PARLEY_SMTP_URL', () => {
    expect(smtpSettings(configFromEnv({}, {}))).toBeNull();
  });

  it('reads the relay, decodes the credentials and requires STARTTLS off loopback by default', () => {
    const config = configFromEnv({}, { PARLEY_SMTP_URL: 'smtp://mailer%40mfa:p%2Fss@relay.mfa.example', PARLEY_SMTP_FROM: 'parley@mfa.example' });
    const s = smtpSettings(config)!;
    expect(s).toMatchObject({ host: 'relay.mfa.example', port: 587, secure: false, startTls: 'require', user: 'mailer@mfa', pass: 'p/ss', from: 'parley@mfa.example' });
    expect(smtpTarget(s)).toBe('smtp://mailer%40mfa@relay.mfa.example:587');
    expect(smtpSettings(configFromEnv({}, { PARLEY_SMTP_URL: 'smtps://relay.example', PARLEY_SMTP_FROM: 'p@x.example' }))).toMatchObject({ port: 465, secure: true, user: null });
    expect(smtpSettings(configFromEnv({}, { PARLEY_SMTP_URL: 'smtp://127.0.0.1:25', PARLEY_SMTP_FROM: 'p@x.example' }))!.startTls).toBe('opportunistic');
    expect(
      smtpSettings(configFromEnv({}, { PARLEY_SMTP_URL: 'smtp://relay.example', PARLEY_SMTP_FROM: 'p@x.example', PARLEY_SMTP_STARTTLS: 'opportunistic' }))!.startTls,
    ).toBe('opportunistic');
  });

  it('refuses a relay without a From address, another scheme or a STARTTLS value it does not know, without echoing the password', () => {
    const attempt = (env: NodeJS.ProcessEnv) => {
      try {
        configFromEnv({}, env);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const noFrom = attempt({ PARLEY_SMTP_URL: 'smtp://u:hunter2secret@relay.example' });
    expect(noFrom).toMatch(/PARLEY_SMTP_FROM/);
    expect(noFrom).not.toContain('hunter2secret');
    const scheme = attempt({ PARLEY_SMTP_URL: 'http://u:hunter2secret@relay.example', PARLEY_SMTP_FROM: 'p@x.example' });
    expect(scheme).toMatch(/smtp:\/\/user:password@host:587/);
    expect(scheme).not.toContain('hunter2secret');
    expect(attempt({ PARLEY_SMTP_URL: 'smtp://relay.example', PARLEY_SMTP_FROM: 'p@x.example', PARLEY_SMTP_STARTTLS: 'never' })).toMatch(/^invalid configuration: PARLEY_SMTP_STARTTLS: /);
  });
});
