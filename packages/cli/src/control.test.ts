import { describe, expect, it } from 'vitest';
import { describeError } from './control.js';

describe('describeError', () => {
  it('gives the message of an error-like object that is not an Error, not [object Object]', () => {
    // The shape of what PGlite's WebAssembly runtime throws when it exits.
    expect(describeError({ name: 'ExitStatus', message: 'Program terminated with exit(1)', status: 1 })).toBe('Program terminated with exit(1)');
    expect(describeError({ status: 1 })).toBe('{"status":1}');
    expect(describeError(new Error('plain'))).toBe('plain');
  });
});
