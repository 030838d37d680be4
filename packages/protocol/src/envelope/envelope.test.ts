import { createHash, sign, type KeyObject } from 'node:crypto';
import { CompactSign, decodeProtectedHeader } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { fingerprint, generateNodeKeyPair, type NodeKeyPair } from '../keys.js';
import { createEnvelope, peekEnvelope, readEnvelope, signEnvelope, verifyEnvelope, type ReadEnvelope, type VerifyEnvelopeOptions } from './envelope.js';
import { EnvelopeError, type EnvelopeErrorCode } from './errors.js';
import { envelopeHash } from './hash.js';
import { MAX_JWS_LENGTH } from './jws.js';
import { createReceipt, signReceipt } from './receipt.js';
import type { Envelope } from './schema.js';

const keys: Record<string, NodeKeyPair> = {
  FRA: generateNodeKeyPair(),
  DEU: generateNodeKeyPair(),
  ITA: generateNodeKeyPair(),
};

/** A directory that knows one key per state, as a node's peer table would. */
function publicKeyFor(kid: string, state: string): KeyObject | undefined {
  const pair = keys[state];
  return pair !== undefined && fingerprint(pair.publicKey) === kid ? pair.publicKey : undefined;
}

const NOW = new Date('2025-11-25T09:30:00.000Z');
const options: VerifyEnvelopeOptions = { publicKeyFor, expectedRecipient: 'DEU', now: NOW, maxSkewMs: 5 * 60_000 };

function envelope(overrides: Partial<Envelope> = {}): Envelope {
  return {
    ...createEnvelope(
      { sender: 'FRA', recipient: 'DEU', type: 'check.request', body: { reference: 'CHK-2025-0142', attempt: 1 } },
      NOW,
    ),
    ...overrides,
  };
}

/** Signs any payload and header exactly as given, bypassing signEnvelope's own checks. */
function signRaw(payload: unknown, key: KeyObject, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: fingerprint(keys.FRA?.publicKey as KeyObject), typ: 'parley-envelope+jws', ...header })
    .sign(key);
}

const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function codeOf(run: () => Promise<unknown>): Promise<EnvelopeErrorCode | 'none'> {
  try {
    await run();
  } catch (error) {
    if (error instanceof EnvelopeError) return error.code;
    throw error;
  }
  return 'none';
}

const fra = keys.FRA as NodeKeyPair;

describe('signing and verifying envelopes', () => {
  it('round-trips an envelope', async () => {
    const original = envelope({ thread: '0b7b5c3e-2f1a-4c8e-9d3b-1a2b3c4d5e6f', prev: `sha256:${'A'.repeat(43)}` });
    const jws = await signEnvelope(original, fra);
    expect(await verifyEnvelope(jws, options)).toEqual(original);
  });

  it('protects exactly alg EdDSA, the sender key fingerprint and the envelope type', async () => {
    const jws = await signEnvelope(envelope(), fra);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: fingerprint(fra.publicKey), typ: 'parley-envelope+jws' });
  });

  it('creates envelopes whose UUIDv7 and creation time agree', () => {
    const created = createEnvelope({ sender: 'FRA', recipient: 'DEU', type: 'contacts.update', body: {} }, NOW);
    expect(created.created).toBe('2025-11-25T09:30:00.000Z');
    expect(Number.parseInt(created.id.replace(/-/g, '').slice(0, 12), 16)).toBe(NOW.getTime());
  });

  it('refuses to sign an envelope that does not match the schema', async () => {
    expect(await codeOf(() => signEnvelope({ ...envelope(), sender: 'fra' }, fra))).toBe('schema_invalid');
    expect(await codeOf(() => signEnvelope({ ...envelope(), extra: 1 } as Envelope, fra))).toBe('schema_invalid');
  });

  it('refuses to sign anything larger than a verifier accepts', async () => {
    const huge = envelope({ body: { text: 'x'.repeat(MAX_JWS_LENGTH) } });
    expect(await codeOf(() => signEnvelope(huge, fra))).toBe('schema_invalid');
  });
});

describe('peekEnvelope', () => {
  it('reads the claimed sender and key ID without a key', async () => {
    const signed = envelope();
    const peeked = peekEnvelope(await signEnvelope(signed, fra));
    expect(peeked).toEqual({
      kid: fingerprint(fra.publicKey),
      id: signed.id,
      sender: 'FRA',
      recipient: 'DEU',
      type: 'check.request',
    });
  });

  it('refuses what verifyEnvelope would refuse for its form', async () => {
    expect(await codeOf(async () => peekEnvelope('abc.def'))).toBe('malformed');
    expect(await codeOf(async () => peekEnvelope(await signRaw({ ...envelope(), v: 2 }, fra.privateKey)))).toBe('unsupported_version');
    expect(await codeOf(async () => peekEnvelope(await signRaw({ ...envelope(), sender: 'fr' }, fra.privateKey)))).toBe('schema_invalid');
  });
});

describe('readEnvelope', () => {
  it('tells what peekEnvelope does, and verifyEnvelope checks what it read as it would the envelope', async () => {
    const signed = envelope();
    const jws = await signEnvelope(signed, fra);
    const read = readEnvelope(jws);
    expect(read).toMatchObject(peekEnvelope(jws));
    expect(await verifyEnvelope(read, options)).toEqual(signed);
    // Read before the key is known, checked after: a changed payload still fails its signature.
    const [header, , signature] = jws.split('.');
    const forged = readEnvelope(`${header}.${b64url({ ...signed, type: 'check.response' })}.${signature}`);
    expect(forged.type).toBe('check.response');
    expect(await codeOf(() => verifyEnvelope(forged, options))).toBe('bad_signature');
    expect(await codeOf(() => verifyEnvelope(readEnvelope(jws), { ...options, expectedRecipient: 'ITA' }))).toBe('wrong_recipient');
  });

  it('is not fooled by an object that only looks read', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const lookalike = { ...peekEnvelope(jws), read: { kid: fingerprint(fra.publicKey), signer: 'FRA', payload: envelope() } } as unknown as ReadEnvelope;
    expect(await codeOf(() => verifyEnvelope(lookalike, options))).toBe('malformed');
  });
});

describe('envelope hashes', () => {
  it('is SHA-256 over the exact compact JWS, unpadded base64url', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const expected = `sha256:${createHash('sha256').update(Buffer.from(jws, 'ascii')).digest('base64url')}`;
    expect(envelopeHash(jws)).toBe(expected);
    expect(envelopeHash(jws)).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
  });

  it('refuses what is not a compact JWS', () => {
    expect(() => envelopeHash('not a jws')).toThrow(EnvelopeError);
  });
});

describe('verifyEnvelope refuses', () => {
  it.each([
    ['a non-string', 42],
    ['two parts', 'abc.def'],
    ['characters outside base64url', 'ab+c.def.ghi'],
    ['a header that is not JSON', `${b64url('not json')}.${b64url({ v: 1 })}.AAAA`],
    ['a payload that is not an object', `${b64url({ alg: 'EdDSA', kid: fingerprint(fra.publicKey), typ: 'parley-envelope+jws' })}.${b64url([1])}.AAAA`],
    ['an oversized input', 'a'.repeat(MAX_JWS_LENGTH + 1)],
  ])('%s as malformed', async (_what, input) => {
    expect(await codeOf(() => verifyEnvelope(input as string, options))).toBe('malformed');
  });

  it('a header other than exactly alg, kid and typ as malformed', async () => {
    const withExtra = await signRaw(envelope(), fra.privateKey, { cty: 'json' });
    const wrongTyp = await signRaw(envelope(), fra.privateKey, { typ: 'JWT' });
    const badKid = await signRaw(envelope(), fra.privateKey, { kid: 'fra-1' });
    const noneAlg = `${b64url({ alg: 'none', kid: fingerprint(fra.publicKey), typ: 'parley-envelope+jws' })}.${b64url(envelope())}.AAAA`;
    for (const jws of [withExtra, wrongTyp, badKid, noneAlg]) expect(await codeOf(() => verifyEnvelope(jws, options))).toBe('malformed');
  });

  it('a header or payload naming a member twice as malformed, whichever value would be kept', async () => {
    // Signed as written: a parser keeping the first recipient reads ITA, one keeping the last DEU.
    const signText = (header: string, payload: string) => {
      const input = `${b64url(header)}.${b64url(payload)}`;
      return `${input}.${sign(null, Buffer.from(input), fra.privateKey).toString('base64url')}`;
    };
    const header = JSON.stringify({ alg: 'EdDSA', kid: fingerprint(fra.publicKey), typ: 'parley-envelope+jws' });
    const payload = JSON.stringify(envelope());
    expect(await codeOf(() => verifyEnvelope(signText(header, payload), options))).toBe('none');
    const twoRecipients = payload.replace('"recipient":"DEU"', '"recipient":"ITA","recipient":"DEU"');
    const twoAlgs = header.replace('"alg":"EdDSA"', '"alg":"none","alg":"EdDSA"');
    const twoNotes = payload.replace('"attempt":1', '"attempt":1,"attempt":2');
    for (const jws of [signText(header, twoRecipients), signText(twoAlgs, payload), signText(header, twoNotes)]) {
      expect(await codeOf(() => verifyEnvelope(jws, options))).toBe('malformed');
      expect(() => peekEnvelope(jws)).toThrow(/twice/);
    }
  });

  it('a body nested deeper than any message needs as malformed, saying so', async () => {
    const input = (payload: string) => `${b64url(JSON.stringify({ alg: 'EdDSA', kid: fingerprint(fra.publicKey), typ: 'parley-envelope+jws' }))}.${b64url(payload)}`;
    const signText = (payload: string) => `${input(payload)}.${sign(null, Buffer.from(input(payload)), fra.privateKey).toString('base64url')}`;
    const deep = JSON.stringify(envelope()).replace('"attempt":1', `"attempt":1,"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const jws = signText(deep);
    expect(await codeOf(() => verifyEnvelope(jws, options))).toBe('malformed');
    expect(() => peekEnvelope(jws)).toThrow('the payload nests arrays and objects more than 64 levels deep');
  });

  it('a receipt presented as an envelope as malformed', async () => {
    const receipt = await signReceipt(createReceipt(await signEnvelope(envelope(), fra), 'DEU', NOW), keys.DEU as NodeKeyPair);
    expect(await codeOf(() => verifyEnvelope(receipt, options))).toBe('malformed');
  });

  it('a changed payload as bad_signature', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const [header, , signature] = jws.split('.');
    const forged = `${header}.${b64url(envelope({ body: { reference: 'CHK-2025-0142', attempt: 2 } }))}.${signature}`;
    expect(await codeOf(() => verifyEnvelope(forged, options))).toBe('bad_signature');
  });

  it('a changed signature as bad_signature', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const at = jws.lastIndexOf('.') + 10;
    const forged = jws.slice(0, at) + (jws[at] === 'A' ? 'B' : 'A') + jws.slice(at + 1);
    expect(await codeOf(() => verifyEnvelope(forged, options))).toBe('bad_signature');
  });

  it('a second encoding of the same signature as malformed, so one envelope has one hash', async () => {
    const jws = await signEnvelope(envelope(), fra);
    // 64 bytes take 86 base64url characters; the low 4 bits of the last one are unused.
    const last = jws.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = jws.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] as string);
    expect(Buffer.from(twin.split('.')[2] as string, 'base64url')).toEqual(Buffer.from(jws.split('.')[2] as string, 'base64url'));
    expect(await codeOf(() => verifyEnvelope(twin, options))).toBe('malformed');
  });

  it("a signature by another key under the sender's key ID as bad_signature", async () => {
    const forged = await signRaw(envelope(), (keys.ITA as NodeKeyPair).privateKey);
    expect(await codeOf(() => verifyEnvelope(forged, options))).toBe('bad_signature');
  });

  it('a key ID unknown for the sender as unknown_sender', async () => {
    // ITA signs with its own key but claims to be FRA.
    const impersonation = await signEnvelope(envelope(), keys.ITA as NodeKeyPair);
    expect(await codeOf(() => verifyEnvelope(impersonation, options))).toBe('unknown_sender');
    const unknownState = await signEnvelope(envelope({ sender: 'ESP' }), fra);
    expect(await codeOf(() => verifyEnvelope(unknownState, options))).toBe('unknown_sender');
  });

  it('a directory that answers with a key other than the one named as unknown_sender', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const lying = { ...options, publicKeyFor: () => (keys.ITA as NodeKeyPair).publicKey };
    expect(await codeOf(() => verifyEnvelope(jws, lying))).toBe('unknown_sender');
  });

  it('an envelope for another state as wrong_recipient', async () => {
    const jws = await signEnvelope(envelope({ recipient: 'ITA' }), fra);
    expect(await codeOf(() => verifyEnvelope(jws, options))).toBe('wrong_recipient');
  });

  it('an envelope created before the skew window as stale, and after it as from_future', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const skew = options.maxSkewMs;
    expect(await codeOf(() => verifyEnvelope(jws, { ...options, now: NOW.getTime() + skew }))).toBe('none');
    expect(await codeOf(() => verifyEnvelope(jws, { ...options, now: NOW.getTime() - skew }))).toBe('none');
    expect(await codeOf(() => verifyEnvelope(jws, { ...options, now: NOW.getTime() + skew + 1 }))).toBe('stale');
    expect(await codeOf(() => verifyEnvelope(jws, { ...options, now: NOW.getTime() - skew - 1 }))).toBe('from_future');
  });

  it('an envelope older than maxAgeMs as stale, when retries are accepted for longer than the skew', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const week = 7 * 24 * 3600_000;
    const retrying = { ...options, maxAgeMs: week };
    expect(await codeOf(() => verifyEnvelope(jws, { ...retrying, now: NOW.getTime() + week }))).toBe('none');
    expect(await codeOf(() => verifyEnvelope(jws, { ...retrying, now: NOW.getTime() + week + 1 }))).toBe('stale');
    expect(await codeOf(() => verifyEnvelope(jws, { ...retrying, now: NOW.getTime() - options.maxSkewMs - 1 }))).toBe(
      'from_future',
    );
  });

  it('an envelope ID already seen as replayed, asking only once the envelope is authentic', async () => {
    const jws = await signEnvelope(envelope(), fra);
    const seen = vi.fn(async (id: string) => id === JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString()).id);
    expect(await codeOf(() => verifyEnvelope(jws, { ...options, seen }))).toBe('replayed');
    const forged = await signRaw(envelope(), (keys.ITA as NodeKeyPair).privateKey);
    seen.mockClear();
    await codeOf(() => verifyEnvelope(forged, { ...options, seen }));
    expect(seen).not.toHaveBeenCalled();
  });

  it('another protocol version as unsupported_version', async () => {
    const jws = await signRaw({ ...envelope(), v: 2 }, fra.privateKey);
    expect(await codeOf(() => verifyEnvelope(jws, options))).toBe('unsupported_version');
  });

  it.each([
    ['a missing version', { v: undefined }],
    ['a missing type', { type: undefined }],
    ['an extra field', { urgent: true }],
    ['a lowercase sender', { sender: 'fra' }],
    ['a time without milliseconds', { created: '2025-11-25T09:30:00Z' }],
    ['a time with an offset', { created: '2025-11-25T10:30:00.000+01:00' }],
    ['an impossible date', { created: '2025-02-30T09:30:00.000Z' }],
    ['an ID that is not a UUIDv7', { id: '0b7b5c3e-2f1a-4c8e-9d3b-1a2b3c4d5e6f' }],
    ['a thread that is not a UUID', { thread: 'thread-1' }],
    ['a prev that is not a hash', { prev: 'sha256:abc' }],
    ['a type with capitals', { type: 'Check.Request' }],
    ['a type without a dot', { type: 'check' }],
    ['a body that is an array', { body: [] }],
  ])('a signed payload with %s as schema_invalid', async (_what, change) => {
    const jws = await signRaw({ ...envelope(), ...change }, fra.privateKey);
    expect(await codeOf(() => verifyEnvelope(jws, options))).toBe('schema_invalid');
  });
});
