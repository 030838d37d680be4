import { describe, expect, it } from 'vitest';
import { composeNotificationMail, firstSentence, notificationUrl } from './mail.js';

const node = { stateCode: 'XAA', name: 'Ministry node', publicUrl: 'https://parley.xaa.example/' };
const officer = { userId: 'u1', email: 'o@xaa.example', displayName: 'Olga', role: 'officer' as const };

describe('notification e-mail content', () => {
  it('takes the first sentence of a message for the subject, on one line and bounded', () => {
    expect(firstSentence('XAB rotated its key. Confirm it.')).toBe('XAB rotated its key');
    expect(firstSentence('Check by 2031-01-02T03:04:05.000Z. Then more.')).toBe('Check by 2031-01-02T03:04:05.000Z');
    expect(firstSentence('Line one\r\nBcc: x@y.example')).toBe('Line one Bcc: x@y.example');
    expect(firstSentence('x'.repeat(300))).toHaveLength(120);
  });

  it('ends a sentence at a Chinese or Arabic full stop or question mark too', () => {
    expect(firstSentence('对方节点拒绝了消息。请检查密钥。')).toBe('对方节点拒绝了消息');
    expect(firstSentence('هل تم استلام الرسالة؟ نعم')).toBe('هل تم استلام الرسالة');
  });

  it('shortens a long subject in characters, never splitting an emoji or a letter from its accent', () => {
    // The 119th and 120th UTF-16 units are the two halves of one emoji.
    const emoji = firstSentence(`${'x'.repeat(118)}${'🔥'.repeat(10)}`);
    expect(emoji.isWellFormed()).toBe(true);
    expect(emoji).toBe(`${'x'.repeat(118)}🔥…`);
    const accent = firstSentence(`${'x'.repeat(118)}${'e\u0301'.repeat(10)}`);
    expect(accent).toBe(`${'x'.repeat(118)}\u00e9…`);
  });

  it('links only to paths of the node, else to the notifications page', () => {
    expect(notificationUrl('https://n.example/', '/checks')).toBe('https://n.example/checks');
    expect(notificationUrl('https://n.example', '//evil.example/x')).toBe('https://n.example/notifications');
    expect(notificationUrl('https://n.example', 'https://evil.example')).toBe('https://n.example/notifications');
    expect(notificationUrl('https://n.example', null)).toBe('https://n.example/notifications');
  });

  it('mails operational notifications in full, with the link and why the person receives it', () => {
    const mail = composeNotificationMail({ audience: 'officer', kind: 'check.request', message: 'XAB asks for a check. Soon.', link: '/checks' }, node, officer);
    expect(mail.subject).toBe('[Parley XAA] XAB asks for a check');
    expect(mail.text).toContain('XAB asks for a check. Soon.');
    expect(mail.text).toContain('https://parley.xaa.example/checks');
    expect(mail.text).toContain('you are an officer on the Parley node of XAA');
    expect(mail.text).toContain('https://parley.xaa.example/notifications');
  });

  it('never mails what a consultation or an evidence notification says, whatever the kind after the prefix', () => {
    for (const kind of ['consultation.received', 'consultation.responded', 'consultation.ack_overdue', 'consultation.some_future_step', 'evidence.received', 'evidence.failed', 'anything.new']) {
      const mail = composeNotificationMail({ audience: 'officer', kind, message: 'XAB raised “Secret title” (TLP:AMBER+STRICT).', link: '/consultations/1' }, node, officer);
      expect(`${mail.subject}\n${mail.text}`).not.toMatch(/Secret title|TLP/);
      expect(mail.text).toContain('sign in to read it: https://parley.xaa.example/consultations/1');
    }
  });
});
