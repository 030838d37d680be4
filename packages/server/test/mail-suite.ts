import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { notify } from '@parley/core';
import { Client, eventually, signedInAdmin, signedInUser, startTestNode, type Engine, type TestNode } from '@parley/testkit';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One e-mail as the SMTP server received it, decoded. */
interface Received {
  from: string;
  to: string[];
  subject: string;
  text: string;
  autoSubmitted: string | undefined;
  /** The name in the To header, decoded. */
  toName: string;
  /** The header section as sent, before any decoding. */
  rawHeaders: string;
}

const SMTP_USER = 'parley-mailer';
// Characters that must be percent-encoded in the URL, so the test also proves the decoding.
const SMTP_PASSWORD = 'Sm7p-s3cret/with:odd@chars';

/**
 * A real SMTP server on loopback (smtp-server), requiring the node's credentials; it can be
 * stopped and started again on the same port, and refuses one address for good (550).
 */
class TestSmtp {
  readonly received: Received[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = new SMTPServer({
      // No TLS on loopback: the node's default for a relay on loopback is opportunistic STARTTLS.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, done) => {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) done(null, { user: auth.username });
        else done(new Error('Invalid username or password'));
      },
      onRcptTo: (address, _session, done) => {
        if (address.address.startsWith('bounce.')) {
          const err = Object.assign(new Error('No such mailbox'), { responseCode: 550 });
          done(err);
        } else done();
      },
      onData: (stream, session, done) => {
        simpleParser(stream).then(
          (mail) => {
            const autoSubmitted = mail.headers.get('auto-submitted');
            this.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              autoSubmitted: typeof autoSubmitted === 'string' ? autoSubmitted : undefined,
              toName: (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.name ?? '',
              rawHeaders: mail.headerLines.map((h) => h.line).join('\r\n'),
            });
            done();
          },
          (err: Error) => done(err),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string, subjectPart = ''): Received[] {
    return this.received.filter((m) => m.to.includes(address) && m.subject.includes(subjectPart));
  }
}

/** Notification e-mail from a real node through a real SMTP server, against one storage engine. */
export function mailSuite(engine: Engine): void {
  describe(`notification e-mail (${engine})`, () => {
    const smtp = new TestSmtp();
    let node: TestNode;
    let admin: Client;
    let officer: Client;
    let viewer: Client;
    let optedOut: Client;
    const ADMIN_MAIL = 'admin@mfa.example';
    const OFFICER_MAIL = 'olga.officer@mfa.example';
    const VIEWER_MAIL = 'victor.viewer@mfa.example';
    const OPTED_OUT_MAIL = 'otto.optout@mfa.example';
    const BOUNCE_MAIL = 'bounce.officer@mfa.example';
    // A node and a person named in other scripts than Latin, as in most of the UN's languages.
    const NODE_NAME = 'Министерство иностранных дел — وزارة الخارجية';

    beforeAll(async () => {
      await smtp.start();
      node = await startTestNode({
        engine,
        name: NODE_NAME,
        config: {
          smtpUrl: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${smtp.port}`,
          smtpFrom: 'Parley XAA <parley@xaa.example>',
        },
        context: { mailer: { intervalMs: 100, baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 100 } },
      });
      admin = await signedInAdmin(node);
      officer = await signedInUser(admin, 'officer', 'Olga Officer');
      viewer = await signedInUser(admin, 'viewer', 'Victor Viewer');
      optedOut = await signedInUser(admin, 'officer', 'Otto Optout');
      await signedInUser(admin, 'officer', 'Bounce Officer');
      expect((await optedOut.patch('/api/v1/auth/preferences', { emailNotifications: false })).status).toBe(200);
    });
    afterAll(async () => {
      await node?.close();
      await smtp.stop();
    });

    const raise = (audience: 'officer' | 'admin', kind: string, message: string, link: string | null) =>
      node.ctx.store.transaction((tx) => notify(tx, node.ctx.domain, audience, kind, message, link));

    /** Waits until the mailer has nothing left to send now, so that an absence of mail means something. */
    const settled = () => eventually(async () => (await node.ctx.store.mail.counts()).pending === 0 && (await node.ctx.store.mail.unqueued(1)).length === 0, 10_000, 'the mail queue to empty');

    it('mails an officers’ notification once to each officer and administrator, with the subject and a link to the node', async () => {
      const message = 'XAB asks a point of contact of this state to confirm a communication check by 2031-01-02T03:04:05.000Z. Reply within the day.';
      await raise('officer', 'check.request', message, '/checks');
      const subject = '[Parley XAA] XAB asks a point of contact of this state to confirm a communication check by 2031-01-02T03:04:05.000Z';
      await eventually(async () => smtp.to(OFFICER_MAIL, '2031-01-02').length === 1 && smtp.to(ADMIN_MAIL, '2031-01-02').length === 1, 10_000, 'the e-mails');
      await settled();
      const [mail] = smtp.to(OFFICER_MAIL, '2031-01-02');
      expect(mail!.subject).toBe(subject);
      expect(mail!.from).toBe('parley@xaa.example');
      expect(mail!.autoSubmitted).toBe('auto-generated');
      expect(mail!.text).toContain('Hello Olga Officer,');
      expect(mail!.text).toContain(message);
      expect(mail!.text).toContain(`Open it in Parley: ${node.url}/checks`);
      expect(mail!.text).toContain('because you are an officer on the Parley node of XAA');
      expect(mail!.text).toContain(`untick "E-mail me my notifications" under Your settings: ${node.url}/notifications`);
      expect(smtp.to(OFFICER_MAIL, '2031-01-02')).toHaveLength(1);
      expect(smtp.to(ADMIN_MAIL, '2031-01-02')).toHaveLength(1);
    });

    it('writes names and messages in any script intact, encoded for mail headers (RFC 2047) and the body', async () => {
      const name = 'محمد 王伟 Émile';
      const invited = await admin.post('/api/v1/users', { email: 'mohammed.wang@mfa.example', displayName: name, role: 'officer' });
      expect((await new Client(node.url).setup(invited.body.setupLink, { password: 'a long test password' })).status).toBe(200);
      await raise('officer', 'delivery.failed', 'A consultation.step message to XAB could not be delivered and was given up: 对方节点拒绝了消息。请检查 🔑。', '/messages');
      await eventually(async () => smtp.to('mohammed.wang@mfa.example', '对方节点').length === 1, 10_000, 'the e-mail');
      const [mail] = smtp.to('mohammed.wang@mfa.example', '对方节点');
      expect(mail!.subject).toBe('[Parley XAA] A consultation.step message to XAB could not be delivered and was given up: 对方节点拒绝了消息');
      expect(mail!.toName).toBe(name);
      expect(mail!.text).toContain(`Hello ${name},`);
      expect(mail!.text).toContain('对方节点拒绝了消息。请检查 🔑。');
      expect(mail!.text).toContain(`the Parley node of XAA (${NODE_NAME})`);
      // Headers travel as ASCII, the names and subject as encoded words.
      expect(mail!.rawHeaders).toMatch(/^[\x20-\x7e\r\n\t]*$/);
      expect(mail!.rawHeaders).toMatch(/^Subject: .*=\?UTF-8\?[BQ]\?/im);
      await settled();
    });

    it('sends no e-mail to a viewer, nor to an officer who turned e-mail off', async () => {
      await raise('officer', 'check.request', 'XAC asks a point of contact of this state to confirm a communication check by 2032-05-06T07:08:09.000Z.', '/checks');
      await eventually(async () => smtp.to(OFFICER_MAIL, '2032-05-06').length === 1, 10_000, 'the officer’s e-mail');
      await settled();
      expect(smtp.to(VIEWER_MAIL)).toEqual([]);
      expect(smtp.to(OPTED_OUT_MAIL)).toEqual([]);
    });

    it('mails an administrators’ notification to administrators only', async () => {
      await raise('admin', 'peer.key_rotated', 'XAB rotated its node key; the new fingerprint is SHA256:abc. Confirm it with them out of band.', '/peers');
      await eventually(async () => smtp.to(ADMIN_MAIL, 'rotated its node key').length === 1, 10_000, 'the administrator’s e-mail');
      await settled();
      expect(smtp.to(ADMIN_MAIL, 'rotated its node key')[0]!.subject).toBe('[Parley XAA] XAB rotated its node key; the new fingerprint is SHA256:abc');
      expect(smtp.to(OFFICER_MAIL, 'rotated its node key')).toEqual([]);
    });

    it('never puts a consultation’s title or marking into an e-mail, only a neutral sentence and the link', async () => {
      const id = randomUUID();
      const title = 'Nightjar intrusion at the northern grid operator';
      await raise('officer', 'consultation.received', `XAB raised a consultation (urgent, TLP:RED): “${title}”. Acknowledge it by 2031-01-02T03:04:05.000Z.`, `/consultations/${id}`);
      await raise('officer', 'evidence.received', `Evidence “nightjar-implant.bin” from XAB has arrived and matches its SHA-256 ${'a'.repeat(64)}.`, `/consultations/${id}`);
      await eventually(async () => smtp.to(OFFICER_MAIL, 'News on').length === 2, 10_000, 'the neutral e-mails');
      const [consultation] = smtp.to(OFFICER_MAIL, 'News on a consultation');
      expect(consultation!.subject).toBe('[Parley XAA] News on a consultation');
      expect(consultation!.text).toContain(`There is news on a consultation; sign in to read it: ${node.url}/consultations/${id}`);
      const [evidence] = smtp.to(OFFICER_MAIL, 'News on evidence');
      expect(evidence!.text).toContain(`${node.url}/consultations/${id}`);
      for (const mail of smtp.received) {
        const whole = `${mail.subject}\n${mail.text}`;
        expect(whole).not.toContain('Nightjar');
        expect(whole).not.toContain('nightjar');
        expect(whole).not.toContain('TLP:RED');
      }
    });

    it('keeps an e-mail while the SMTP server is down and delivers it when it is back', async () => {
      await smtp.stop();
      const logged = node.logs.length;
      await raise('officer', 'delivery.failed', 'A check.request message to XAD could not be delivered and was given up: outage test.', '/messages');
      await eventually(
        async () => node.logs.slice(logged).some((l) => l.msg === 'notification e-mail not sent; will try again' && Number(l.attempts) >= 2),
        10_000,
        'two failed attempts',
      );
      expect(smtp.to(OFFICER_MAIL, 'outage test')).toEqual([]);
      await smtp.start();
      await eventually(async () => smtp.to(OFFICER_MAIL, 'XAD').length === 1 && smtp.to(ADMIN_MAIL, 'XAD').length === 1, 10_000, 'delivery after the outage');
      await settled();
      expect(smtp.to(OFFICER_MAIL, 'XAD')).toHaveLength(1);
    });

    it('gives up at once on an address the server refuses for good, and still mails the others', async () => {
      await raise('officer', 'check.request', 'XAE asks a point of contact of this state to confirm a communication check by 2033-01-01T00:00:00.000Z.', '/checks');
      await eventually(async () => smtp.to(OFFICER_MAIL, '2033-01-01').length === 1, 10_000, 'the officer’s e-mail');
      await settled();
      expect(smtp.to(BOUNCE_MAIL)).toEqual([]);
      expect((await node.ctx.store.mail.counts()).failed).toBeGreaterThanOrEqual(1);
      const given = node.logs.filter((l) => l.msg === 'notification e-mail given up');
      expect(given.length).toBeGreaterThanOrEqual(1);
      expect(String(given[0]!.reason)).toMatch(/550/);
    });

    it('does not mail a notification that waited longer than a day', async () => {
      await node.ctx.store.notifications.add({ at: new Date(Date.now() - 2 * 24 * 3_600_000), audience: 'officer', kind: 'check.request', message: 'XAF asks for a stale check by 2020-01-01T00:00:00.000Z.', link: '/checks' });
      await settled();
      expect(smtp.to(OFFICER_MAIL, 'XAF')).toEqual([]);
    });

    it('lets each signed-in person read and change only their own e-mail setting', async () => {
      const mine = await viewer.get('/api/v1/auth/preferences');
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual({ emailNotifications: true, mailConfigured: true });
      const off = await officer.patch('/api/v1/auth/preferences', { emailNotifications: false });
      expect(off.body).toEqual({ emailNotifications: false, mailConfigured: true });
      expect((await officer.get('/api/v1/auth/preferences')).body.emailNotifications).toBe(false);
      // Another person's setting is untouched.
      expect((await admin.get('/api/v1/auth/preferences')).body.emailNotifications).toBe(true);
      const audit = await admin.get('/api/v1/audit?entityType=user');
      expect(audit.body.entries.some((e: { action: string; actor: string }) => e.action === 'user.mail_preferences' && e.actor === OFFICER_MAIL)).toBe(true);
      expect((await officer.patch('/api/v1/auth/preferences', { emailNotifications: true })).body.emailNotifications).toBe(true);
    });

    it('refuses a malformed setting, a request without sign-in and a cookie write without the CSRF token', async () => {
      const bad = await officer.patch('/api/v1/auth/preferences', { emailNotifications: 'yes' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('validation_failed');
      expect(bad.body.errors[0].path).toBe('emailNotifications');
      const extra = await officer.patch('/api/v1/auth/preferences', { emailNotifications: true, email: 'x@y.example' });
      expect(extra.status).toBe(400);
      expect((await new Client(node.url).get('/api/v1/auth/preferences')).status).toBe(401);
      const noCsrf = await officer.request('PATCH', '/api/v1/auth/preferences', { emailNotifications: false }, { headers: { 'x-csrf-token': 'wrong' } });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.body.code).toBe('csrf_failed');
    });

    it('logs where it sends mail but never the SMTP password', async () => {
      const on = node.logs.find((l) => l.msg === 'notification e-mail on');
      expect(on?.smtp).toBe(`smtp://${SMTP_USER}@127.0.0.1:${smtp.port}`);
      const text = node.logText();
      expect(text).not.toContain(SMTP_PASSWORD);
      expect(text).not.toContain(encodeURIComponent(SMTP_PASSWORD));
      expect(text).not.toContain(Buffer.from(SMTP_PASSWORD).toString('base64'));
      // Even a log call handed the whole configuration leaves it out.
      node.ctx.log.info({ config: node.ctx.config }, 'configuration for the test');
      expect(node.logText()).not.toContain(encodeURIComponent(SMTP_PASSWORD));
    });
  });

  describe(`a node without SMTP (${engine})`, () => {
    let node: TestNode;
    beforeAll(async () => {
      node = await startTestNode({ engine });
    });
    afterAll(async () => {
      await node?.close();
    });

    it('sends no e-mail, keeps notifications in the app and still keeps each person’s choice', async () => {
      expect(node.ctx.mailer).toBeNull();
      const admin = await signedInAdmin(node);
      await node.ctx.store.transaction((tx) => notify(tx, node.ctx.domain, 'officer', 'check.request', 'XAB asks for a check by 2031-01-01T00:00:00.000Z.', '/checks'));
      expect((await admin.get('/api/v1/notifications')).body.notifications[0].kind).toBe('check.request');
      expect((await admin.get('/api/v1/auth/preferences')).body).toEqual({ emailNotifications: true, mailConfigured: false });
      expect((await admin.patch('/api/v1/auth/preferences', { emailNotifications: false })).body).toEqual({ emailNotifications: false, mailConfigured: false });
      expect(await node.ctx.store.mail.counts()).toEqual({ pending: 0, sent: 0, failed: 0, skipped: 0 });
    });
  });
}
