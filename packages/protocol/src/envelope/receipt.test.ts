import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { fingerprint, generateNodeKeyPair, type NodeKeyPair } from '../keys.js';
import { createEnvelope, signEnvelope, verifyEnvelope } from './envelope.js';
import { EnvelopeError, type EnvelopeErrorCode } from './errors.js';
import { envelopeHash } from './hash.js';
import { createReceipt, signReceipt, verifyReceipt } from './receipt.js';

const fra = generateNodeKeyPair();
const deu = generateNodeKeyPair();
const keys: Record<string, NodeKeyPair> = { FRA: fra, DEU: deu };

function publicKeyFor(kid: string, state: string): KeyObject | undefined {
  const pair = keys[state];
  return pair !== undefined && fingerprint(pair.publicKey) === kid ? pair.publicKey : undefined;
}

async function codeOf(run: () => Promise<unknown>): Promise<EnvelopeErrorCode | 'none'> {
  try {
    await run();
  } catch (error) {
    if (error instanceof EnvelopeError) return error.code;
    throw error;
  }
  return 'none';
}

const NOW = new Date('2025-11-25T09:30:00.000Z');
const envelopeJws = await signEnvelope(
  createEnvelope({ sender: 'FRA', recipient: 'DEU', type: 'check.request', body: {} }, NOW),
  fra,
);

describe('receipts', () => {
  it('round-trips a receipt for an accepted envelope', async () => {
    await verifyEnvelope(envelopeJws, { publicKeyFor, expectedRecipient: 'DEU', now: NOW, maxSkewMs: 1000 });
    const receipt = createReceipt(envelopeJws, 'DEU', new Date('2025-11-25T09:30:01.250Z'));
    expect(receipt).toEqual({
      v: 1,
      envelope: envelopeHash(envelopeJws),
      receiver: 'DEU',
      received: '2025-11-25T09:30:01.250Z',
      status: 'accepted',
    });
    // A receiver that already hashed the envelope gives the hash: the same receipt.
    expect(createReceipt({ hash: envelopeHash(envelopeJws) }, 'DEU', new Date('2025-11-25T09:30:01.250Z'))).toEqual(receipt);
    const jws = await signReceipt(receipt, deu);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: fingerprint(deu.publicKey), typ: 'parley-receipt+jws' });
    const verified = await verifyReceipt(jws, { publicKeyFor, expectedEnvelope: envelopeHash(envelopeJws), expectedReceiver: 'DEU' });
    expect(verified).toEqual(receipt);
  });

  it('refuses a receipt for another envelope as wrong_envelope', async () => {
    const jws = await signReceipt(createReceipt(envelopeJws, 'DEU', NOW), deu);
    const other = `sha256:${'B'.repeat(43)}`;
    expect(await codeOf(() => verifyReceipt(jws, { publicKeyFor, expectedEnvelope: other }))).toBe('wrong_envelope');
  });

  it('refuses a receipt from another state as wrong_receiver', async () => {
    const jws = await signReceipt(createReceipt(envelopeJws, 'FRA', NOW), fra);
    expect(await codeOf(() => verifyReceipt(jws, { publicKeyFor, expectedReceiver: 'DEU' }))).toBe('wrong_receiver');
  });

  it('refuses a receipt signed with a key not known for the receiver as unknown_sender', async () => {
    const jws = await signReceipt(createReceipt(envelopeJws, 'DEU', NOW), fra);
    expect(await codeOf(() => verifyReceipt(jws, { publicKeyFor }))).toBe('unknown_sender');
  });

  it('refuses an altered receipt as bad_signature', async () => {
    const jws = await signReceipt(createReceipt(envelopeJws, 'DEU', NOW), deu);
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    altered.received = '2025-11-24T09:30:00.000Z';
    const forged = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    expect(await codeOf(() => verifyReceipt(forged, { publicKeyFor }))).toBe('bad_signature');
  });

  it('refuses an envelope presented as a receipt as malformed', async () => {
    expect(await codeOf(() => verifyReceipt(envelopeJws, { publicKeyFor }))).toBe('malformed');
  });

  it('refuses to sign a receipt with another status', async () => {
    const receipt = { ...createReceipt(envelopeJws, 'DEU', NOW), status: 'rejected' } as unknown as Parameters<typeof signReceipt>[0];
    expect(await codeOf(() => signReceipt(receipt, deu))).toBe('schema_invalid');
  });
});
