import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_EVIDENCE_FILE, verifyProofBundle } from '../src/index.js';

const docs = new URL('../../../docs/protocol/', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, docs), 'utf8')) as unknown;

describe('docs/protocol: the published proof bundle', () => {
  it('is valid under the published JSON Schema (an independent validator), which refuses unknown members', () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(json('schemas/proof-bundle.schema.json') as object);
    const example = json('examples/proof-bundle.json') as Record<string, unknown>;
    expect(validate(example), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate({ ...example, note: 'unsigned' })).toBe(false);
  });

  it('verifies, with its disclosed evidence file, as the documents say', async () => {
    const verdict = await verifyProofBundle(readFileSync(new URL('examples/proof-bundle.json', docs)), { content: EXAMPLE_EVIDENCE_FILE });
    expect(verdict.envelopeHash).toBe(readFileSync(new URL('examples/envelope.hash', docs), 'utf8').trim());
    expect(verdict.evidence[0]?.matchesContent).toBe(true);
  });

  it('publishes evidence commitments among the log entries', () => {
    const ajv = new Ajv2020.default({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(json('schemas/log-entry.schema.json') as object);
    const entry = { kind: 'evidence.committed', commitment: `sha256:${'A'.repeat(43)}`, envelope: `sha256:${'B'.repeat(43)}`, sender: 'XAA', recipient: 'XAB', at: '2026-11-25T12:00:00.000Z' };
    expect(validate(entry)).toBe(true);
    expect(validate({ ...entry, fileSha256: 'a'.repeat(64) })).toBe(false);
  });
});
