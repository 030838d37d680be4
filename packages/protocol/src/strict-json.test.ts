import { describe, expect, it } from 'vitest';
import { DuplicateMemberError, parseJsonStrict } from './strict-json.js';

describe('strict JSON', () => {
  it('reads what JSON.parse reads when no object names a member twice', () => {
    for (const text of [
      '{"a":1,"b":{"a":2,"c":[{"a":3},{"a":4}]}}',
      '{"colon:in":"value: with \\"colons\\": and \\\\","x\\\\":":"}',
      '[{"a":1},{"a":1}]',
      '{"__proto__":{"a":1},"b":"\\u0061"}',
      '"a string: with a colon"',
      '42',
      '{}',
    ]) expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
  });

  it('refuses a member named twice in one object, however deep and however written', () => {
    for (const text of [
      '{"recipient":"XAB","recipient":"XAC"}',
      '{"a":1,"\\u0061":2}',
      '{"body":{"note":"x","note":"y"}}',
      '[1,{"b":{"c":[{"d":1,"d":1}]}}]',
      '{"__proto__":1,"__proto__":2}',
      '{"s":"\\\\","s":"\\""}',
    ]) expect(() => parseJsonStrict(text), text).toThrow(DuplicateMemberError);
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseJsonStrict('{"a":1,}')).toThrow(SyntaxError);
    expect(() => parseJsonStrict('{"a":1,}')).not.toThrow(DuplicateMemberError);
  });
});
