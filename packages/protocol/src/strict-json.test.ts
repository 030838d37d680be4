import { describe, expect, it } from 'vitest';
import { DuplicateMemberError, MAX_JSON_DEPTH, parseJsonStrict, TooDeeplyNestedError } from './strict-json.js';

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

  it('refuses arrays and objects nested deeper than any message needs, however deep, before walking them', () => {
    const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '[1]' + '}'.repeat(depth - 1);
    expect(parseJsonStrict(nested(MAX_JSON_DEPTH))).toEqual(JSON.parse(nested(MAX_JSON_DEPTH)));
    expect(() => parseJsonStrict(nested(MAX_JSON_DEPTH + 1))).toThrow(TooDeeplyNestedError);
    // A million levels: walking the value would exhaust the stack (RangeError), which said nothing of why.
    expect(() => parseJsonStrict('['.repeat(1_000_000) + ']'.repeat(1_000_000))).toThrow(TooDeeplyNestedError);
    // Brackets inside strings are text, not nesting.
    expect(parseJsonStrict(JSON.stringify({ note: '['.repeat(1000) }))).toEqual({ note: '['.repeat(1000) });
  });
});
