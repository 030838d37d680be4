import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeLogEntry, encodeLogEntry, LogEntryError, logEntryLeafHash, logOrigin, type LogEntry } from './log-entry.js';

const sent: LogEntry = {
  kind: 'envelope.sent',
  hash: 'sha256:KhVbY1QveHQKFXtbebTmYWE_CFj6HnjVOcthZYsf838',
  sender: 'XAA',
  recipient: 'XAB',
  type: 'check.request',
  at: '2026-11-25T12:00:00.000Z',
};

describe('log entries', () => {
  it('encodes an entry as RFC 8785 JSON: keys sorted, no whitespace, UTF-8', () => {
    expect(encodeLogEntry(sent).toString('utf8')).toBe(
      '{"at":"2026-11-25T12:00:00.000Z","hash":"sha256:KhVbY1QveHQKFXtbebTmYWE_CFj6HnjVOcthZYsf838","kind":"envelope.sent","recipient":"XAB","sender":"XAA","type":"check.request"}',
    );
  });

  it('encodes the same entry to the same bytes whatever the order of its fields', () => {
    const reordered = Object.fromEntries(Object.entries(sent).reverse()) as LogEntry;
    expect(encodeLogEntry(reordered).equals(encodeLogEntry(sent))).toBe(true);
  });

  it('hashes the leaf data as an RFC 9162 leaf: SHA-256(0x00 || data)', () => {
    const expected = createHash('sha256').update(Buffer.from([0])).update(encodeLogEntry(sent)).digest();
    expect(logEntryLeafHash(sent).equals(expected)).toBe(true);
  });

  it('reads back what it wrote', () => {
    const receipt: LogEntry = { kind: 'receipt.issued', hash: sent.hash, envelope: sent.hash, sender: 'XAB', receiver: 'XAA', at: sent.at };
    expect(decodeLogEntry(encodeLogEntry(receipt))).toEqual(receipt);
  });

  it('refuses leaf data that is not in canonical form', () => {
    const pretty = Buffer.from(JSON.stringify(sent, null, 1));
    expect(() => decodeLogEntry(pretty)).toThrow(/canonical/);
    const unsorted = Buffer.from(JSON.stringify(sent));
    expect(() => decodeLogEntry(unsorted)).toThrow(LogEntryError);
  });

  it('refuses an entry with a field it does not define, or with a content field', () => {
    expect(() => encodeLogEntry({ ...sent, body: 'secret' } as LogEntry)).toThrow(LogEntryError);
    expect(() => encodeLogEntry({ ...sent, kind: 'receipt.issued' } as LogEntry)).toThrow(LogEntryError);
    expect(() => encodeLogEntry({ ...sent, at: '2026-11-25T12:00:00Z' })).toThrow(LogEntryError);
  });

  it('refuses leaf data that is not UTF-8 JSON', () => {
    expect(() => decodeLogEntry(Buffer.from([0xff, 0xfe]))).toThrow(/UTF-8 JSON/);
  });

  it('derives the origin from the state code and the first four bytes of the key hash', () => {
    const key = Buffer.alloc(32, 7);
    const id = createHash('sha256').update(key).digest('hex').slice(0, 8);
    expect(logOrigin('XAA', key)).toBe(`parley.xaa.${id}`);
    expect(() => logOrigin('xaa', key)).toThrow(LogEntryError);
  });
});
