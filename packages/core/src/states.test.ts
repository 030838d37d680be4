import { describe, expect, it } from 'vitest';
import { isAssignedStateCode, isUserAssignedCode, stateName } from './states.js';

describe('ISO 3166-1 alpha-3 codes', () => {
  it('knows officially assigned codes', () => {
    expect(stateName('CHE')).toBe('Switzerland');
    expect(isAssignedStateCode('FRA')).toBe(true);
    expect(isAssignedStateCode('KEN')).toBe(true);
  });

  it('rejects codes that are not assigned or not upper-case alpha-3', () => {
    expect(isAssignedStateCode('ABC')).toBe(false);
    expect(isAssignedStateCode('che')).toBe(false);
    expect(isAssignedStateCode('CH')).toBe(false);
  });

  it('recognises the user-assigned ranges reserved for test states', () => {
    for (const code of ['XAA', 'XAB', 'XZZ', 'AAA', 'QMA', 'QZZ', 'ZZZ']) expect(isUserAssignedCode(code)).toBe(true);
    for (const code of ['FRA', 'QLZ', 'ABA', 'ZZ']) expect(isUserAssignedCode(code)).toBe(false);
    expect(isAssignedStateCode('XAA')).toBe(false);
  });
});
