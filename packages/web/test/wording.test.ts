import { describe, expect, it } from 'vitest';
import { actorName, messages } from '../src/i18n/index.js';

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
