import { readFileSync, readdirSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  batchDigest,
  encodeLogEntry,
  envelopeHash,
  leafHash,
  merkleRoot,
  openCheckpoint,
  parseVerifierKey,
  ed25519NoteVerifier,
  protocolSchemas,
  verifyEnvelope,
  verifyReceipt,
  type LogEntry,
} from '../src/index.js';
import { exampleKey, protocolExamples } from '../src/examples.js';
import { rfc8032Key } from '../src/proof/example.js';

const docs = new URL('../../../docs/protocol/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, docs), 'utf8');
const json = (path: string) => JSON.parse(read(path)) as unknown;

describe('docs/protocol: the published schemas and the worked example', () => {
  const schemas = protocolSchemas();

  it('publishes exactly the schemas the implementation validates with', () => {
    expect(readdirSync(new URL('schemas/', docs)).sort()).toEqual(Object.keys(schemas).sort());
    for (const [name, schema] of Object.entries(schemas)) expect(json(`schemas/${name}`), name).toEqual(schema);
  });

  it('has examples that are valid under the published JSON Schemas (checked by an independent validator)', () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const pairs: [string, string][] = [
      ['discovery.json', 'discovery.schema.json'],
      ['envelope.json', 'envelope.schema.json'],
      ['receipt.json', 'receipt.schema.json'],
      ['delivery.json', 'delivery.schema.json'],
      ['delivery-batch.json', 'delivery.schema.json'],
      ['batch-delivery.json', 'batch-delivery.schema.json'],
      ['batch-response.json', 'batch-response.schema.json'],
      ['body.check.response.json', 'body.check.response.schema.json'],
      ['body.directory.update.json', 'body.directory.update.schema.json'],
      ['log-entry.json', 'log-entry.schema.json'],
      ['log-entry-receipt.json', 'log-entry.schema.json'],
    ];
    for (const [example, schema] of pairs) {
      const validate = ajv.compile(json(`schemas/${schema}`) as object);
      expect(validate(json(`examples/${example}`)), `${example}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const envelope = json('examples/envelope.json') as { body: unknown };
    const body = ajv.compile(json('schemas/body.check.request.schema.json') as object);
    expect(body(envelope.body)).toBe(true);
  });

  it('rejects, under the published schemas, an envelope with an unknown field or a bad state code', () => {
    const ajv = new Ajv2020.default({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(json('schemas/envelope.schema.json') as object);
    const good = json('examples/envelope.json') as Record<string, unknown>;
    expect(validate({ ...good, extra: 1 })).toBe(false);
    expect(validate({ ...good, recipient: 'xab' })).toBe(false);
  });

  it('reproduces the example signatures byte for byte, and they verify', async () => {
    const fresh = await protocolExamples();
    const jws = read('examples/envelope.jws').trim();
    expect(jws).toBe(fresh['envelope.jws']);
    expect(read('examples/envelope.hash').trim()).toBe(envelopeHash(jws));
    const key = exampleKey();
    const envelope = await verifyEnvelope(jws, {
      publicKeyFor: () => key.publicKey,
      expectedRecipient: 'XAB',
      now: new Date('2026-11-25T12:00:01Z'),
      maxSkewMs: 300_000,
    });
    expect(envelope).toEqual(json('examples/envelope.json'));
    const receiver = rfc8032Key('XAB');
    await expect(verifyReceipt(read('examples/receipt.jws').trim(), { publicKeyFor: () => key.publicKey, expectedEnvelope: envelopeHash(jws) })).rejects.toThrow();
    const receipt = await verifyReceipt(read('examples/receipt.jws').trim(), { publicKeyFor: () => receiver.publicKey, expectedEnvelope: envelopeHash(jws) });
    expect(receipt).toEqual(json('examples/receipt.json'));
  });

  it('has a batch example whose token names its two envelopes in order', () => {
    const batch = json('examples/batch-delivery.json') as { envelopes: string[] };
    const token = json('examples/delivery-batch.json') as { batch: string; count: number };
    expect(batch.envelopes[0]).toBe(read('examples/envelope.jws').trim());
    expect(token.count).toBe(batch.envelopes.length);
    expect(token.batch).toBe(batchDigest(batch.envelopes.map((e) => envelopeHash(e))));
    expect(token.batch).not.toBe(batchDigest([...batch.envelopes].reverse().map((e) => envelopeHash(e))));
  });

  it('reproduces the log example: canonical leaf data, and a checkpoint that opens with the published verifier key', async () => {
    const fresh = await protocolExamples();
    const sent = json('examples/log-entry.json') as LogEntry;
    const receipt = json('examples/log-entry-receipt.json') as LogEntry;
    expect(read('examples/log-entry.txt').trimEnd()).toBe(encodeLogEntry(sent).toString('utf8'));
    expect(sent.hash).toBe(read('examples/envelope.hash').trim());
    expect(receipt).toMatchObject({ hash: envelopeHash(read('examples/receipt.jws').trim()), envelope: sent.hash });
    const note = read('examples/log-checkpoint.txt');
    expect(note).toBe(`${fresh['log-checkpoint.txt']}\n`);
    const { log } = json('examples/discovery.json') as { log: { origin: string; verifierKey: string } };
    const key = parseVerifierKey(log.verifierKey);
    const { checkpoint } = openCheckpoint(note, { origin: log.origin, log: ed25519NoteVerifier(key.name, key.publicKey) });
    expect(checkpoint.size).toBe(2);
    expect(checkpoint.rootHash.equals(merkleRoot([sent, receipt].map((e) => leafHash(encodeLogEntry(e)))))).toBe(true);
  });
});
