import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { checkIdentity, displayStateName } from './node.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'none';
};

describe('node identity', () => {
  it('accepts an assigned state code and normalises case', () => {
    expect(checkIdentity({ stateCode: 'che', name: ' FDFA ', testState: false })).toEqual({ stateCode: 'CHE', name: 'FDFA', isTestState: false });
  });

  it('refuses a code that does not exist', () => {
    expect(codeOf(() => checkIdentity({ stateCode: 'ABC', name: 'x', testState: false }))).toBe('unknown_state_code');
    expect(codeOf(() => checkIdentity({ stateCode: 'CH', name: 'x', testState: false }))).toBe('invalid_state_code');
  });

  it('takes user-assigned codes only as test states, and real codes never as test states', () => {
    expect(codeOf(() => checkIdentity({ stateCode: 'XAA', name: 'x', testState: false }))).toBe('test_state_code');
    expect(checkIdentity({ stateCode: 'XAA', name: 'Demo', testState: true }).isTestState).toBe(true);
    expect(codeOf(() => checkIdentity({ stateCode: 'FRA', name: 'x', testState: true }))).toBe('test_state_code');
  });

  it('refuses an empty or control-character name', () => {
    expect(codeOf(() => checkIdentity({ stateCode: 'CHE', name: '  ', testState: false }))).toBe('invalid_node_name');
    expect(codeOf(() => checkIdentity({ stateCode: 'CHE', name: 'a\u0007b', testState: false }))).toBe('invalid_node_name');
  });

  it('labels test states as such', () => {
    expect(displayStateName({ stateCode: 'XAB', isTestState: true })).toBe('Test state XAB');
    expect(displayStateName({ stateCode: 'KEN', isTestState: false })).toBe('Kenya');
  });
});
