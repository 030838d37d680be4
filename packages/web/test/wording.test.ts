import { describe, expect, it } from 'vitest';
import { actorName, messages } from '../src/i18n/index.js';
import { statusFilterLabel } from '../src/components/case-list.js';
import { statusWords, urgencyHint } from '../src/consultations/parts.js';

describe('words people read instead of codes', () => {
  it('names the operator acting through the parley command, recorded as local-cli, in words', () => {
    expect(actorName('local-cli')).toBe('the node’s administrator (command line)');
    expect(actorName('ana@cert.aurelia.example')).toBe('ana@cert.aurelia.example');
  });

  it('says what officers do besides keeping the directory', () => {
    expect(messages.roleHelp.officer).toMatch(/consultations/);
    expect(messages.roleHelp.officer).toMatch(/cooperation requests/);
    expect(messages.roleHelp.officer).toMatch(/communication checks/);
  });
});

describe('a consultation as each side reads it', () => {
  it('to the state that received it, a consultation not yet acknowledged was received, not sent', () => {
    expect(statusWords('sent', null, 'recipient')).toBe('Received, not yet acknowledged');
    expect(statusWords('sent', null, 'raiser')).toBe('Sent, not yet acknowledged');
    expect(statusWords('closed', 'unfounded', 'recipient')).toBe('Closed: Unfounded');
  });

  it('to the state that received it, the urgency asks this state to acknowledge, not the other', () => {
    expect(urgencyHint('urgent', 'recipient')).toBe('This state is asked to acknowledge within 24 hours.');
    expect(urgencyHint('urgent', 'raiser')).toBe('The other state is asked to acknowledge within 24 hours.');
    for (const urgency of ['urgent', 'high', 'routine']) expect(urgencyHint(urgency, 'recipient')).toMatch(/^This state is asked/);
  });
});

describe('the status filter of a list of cases', () => {
  it('offers a case sent to this state as received in the received box, and as sent elsewhere', () => {
    for (const words of [messages.consultations, messages.requests]) {
      expect(statusFilterLabel('sent', 'inbox', words)).toBe('Received, not yet acknowledged');
      expect(statusFilterLabel('sent', 'outbox', words)).toBe('Sent, not yet acknowledged');
      expect(statusFilterLabel('closed', 'inbox', words)).toBe(words.statuses.closed);
    }
  });
});

describe('counts of positions being imported', () => {
  it('says one row and one position in the singular, and more in the plural', () => {
    const words = messages.norms.import;
    expect(words.summary(1, 0, 1)).toBe('1 row: 0 can be imported, 1 cannot.');
    expect(words.summary(3, 2, 1)).toBe('3 rows: 2 can be imported, 1 cannot.');
    expect(words.allGood(1)).toBe('The row can be imported.');
    expect(words.allGood(4)).toBe('All 4 rows can be imported.');
    expect(words.importValid(1)).toBe('Import the valid row, skip the others');
    expect(words.imported(1)).toBe('1 position imported.');
    expect(words.imported(2)).toBe('2 positions imported.');
  });
});
