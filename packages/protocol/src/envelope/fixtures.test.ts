import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../keys.js';
import { signEnvelope, verifyEnvelope } from './envelope.js';
import { envelopeHash } from './hash.js';
import { signReceipt, verifyReceipt } from './receipt.js';
import { envelopeJsonSchema, envelopeSchema, receiptJsonSchema, receiptSchema, type Envelope, type Receipt } from './schema.js';

const read = (name: string): string => readFileSync(new URL(`../../../../fixtures/protocol/${name}`, import.meta.url), 'utf8');
const readJson = <T>(name: string): T => JSON.parse(read(name)) as T;

const request = readJson<Envelope>('envelope.example.json');
const requestJws = read('envelope.example.jws').trim();
const reply = readJson<Envelope>('envelope-reply.example.json');
const replyJws = read('envelope-reply.example.jws').trim();
const receipt = readJson<Receipt>('receipt.example.json');
const receiptJws = read('receipt.example.jws').trim();
const invalid = readJson<{ reason: string; envelope: unknown }[]>('invalid-envelopes.json');

// RFC 8032 §7.1 TEST 1 and TEST 2 keys, published there, standing for FRA and DEU.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const seedKey = (seed: string): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seed, 'hex')]), format: 'der', type: 'pkcs8' });
const fra = { privateKey: seedKey('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60') };
const deu = { privateKey: seedKey('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb') };
const publicKeys: Record<string, KeyObject> = {
  FRA: createPublicKey(fra.privateKey),
  DEU: createPublicKey(deu.privateKey),
};
const publicKeyFor = (kid: string, state: string): KeyObject | undefined => {
  const key = publicKeys[state];
  return key !== undefined && fingerprint(key) === kid ? key : undefined;
};

/** Just enough of JSON Schema to hold a flat payload to the published document. */
function jsonSchemaViolations(schema: Record<string, unknown>, value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['not an object'];
  const record = value as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  const problems: string[] = [];
  for (const name of schema.required as string[]) if (!(name in record)) problems.push(`${name} missing`);
  for (const [name, field] of Object.entries(record)) {
    const rule = properties[name];
    if (rule === undefined) {
      if (schema.additionalProperties === false) problems.push(`${name} not allowed`);
      continue;
    }
    if ('const' in rule && field !== rule.const) problems.push(`${name} must be ${String(rule.const)}`);
    if (rule.type === 'string' && typeof field !== 'string') problems.push(`${name} must be a string`);
    if (rule.type === 'object' && (typeof field !== 'object' || field === null || Array.isArray(field))) {
      problems.push(`${name} must be an object`);
    }
    if (typeof rule.pattern === 'string' && typeof field === 'string' && !new RegExp(rule.pattern).test(field)) {
      problems.push(`${name} does not match ${rule.pattern}`);
    }
  }
  return problems;
}

describe('fixtures/protocol examples', () => {
  it('are valid envelopes and receipts by the zod schema', () => {
    expect(envelopeSchema.safeParse(request).success).toBe(true);
    expect(envelopeSchema.safeParse(reply).success).toBe(true);
    expect(receiptSchema.safeParse(receipt).success).toBe(true);
  });

  it('are valid by the published JSON Schema', () => {
    expect(jsonSchemaViolations(envelopeJsonSchema(), request)).toEqual([]);
    expect(jsonSchemaViolations(envelopeJsonSchema(), reply)).toEqual([]);
    expect(jsonSchemaViolations(receiptJsonSchema(), receipt)).toEqual([]);
  });

  it.each(invalid.map(({ reason, envelope }) => [reason, envelope]))('refuses an envelope where %s', (_reason, envelope) => {
    expect(envelopeSchema.safeParse(envelope).success).toBe(false);
    expect(jsonSchemaViolations(envelopeJsonSchema(), envelope)).not.toEqual([]);
  });

  it('signs the example envelopes and receipt to exactly the published JWS', async () => {
    expect(await signEnvelope(request, fra)).toBe(requestJws);
    expect(await signEnvelope(reply, deu)).toBe(replyJws);
    expect(await signReceipt(receipt, deu)).toBe(receiptJws);
  });

  it('verifies the published JWS back to the example JSON', async () => {
    const common = { publicKeyFor, maxSkewMs: 60_000 };
    expect(await verifyEnvelope(requestJws, { ...common, expectedRecipient: 'DEU', now: Date.parse(request.created) })).toEqual(request);
    expect(await verifyEnvelope(replyJws, { ...common, expectedRecipient: 'FRA', now: Date.parse(reply.created) })).toEqual(reply);
    expect(await verifyReceipt(receiptJws, { publicKeyFor, expectedEnvelope: envelopeHash(requestJws), expectedReceiver: 'DEU' })).toEqual(
      receipt,
    );
  });

  it('chains the reply and the receipt to the hash of the first envelope', () => {
    expect(reply.thread).toBe(request.id);
    expect(reply.prev).toBe(envelopeHash(requestJws));
    expect(receipt.envelope).toBe(envelopeHash(requestJws));
  });
});

describe('published JSON Schemas', () => {
  it('require every mandatory envelope field and allow no others', () => {
    const schema = envelopeJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect([...(schema.required as string[])].sort()).toEqual(['body', 'created', 'id', 'recipient', 'sender', 'type', 'v']);
    expect(Object.keys(schema.properties as object).sort()).toEqual(
      ['body', 'created', 'id', 'prev', 'recipient', 'sender', 'thread', 'type', 'v'],
    );
    expect(schema.additionalProperties).toBe(false);
  });

  it('describe the receipt the same way', () => {
    const schema = receiptJsonSchema();
    expect([...(schema.required as string[])].sort()).toEqual(['envelope', 'received', 'receiver', 'status', 'v']);
    expect(schema.additionalProperties).toBe(false);
  });
});
