import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainIssue } from './plain-issues.js';

const messages = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value, { error: plainIssue });
  return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('plainIssue', () => {
  const form = z.strictObject({
    name: z.string().min(1).max(5),
    count: z.number().int().min(1).max(3),
    kinds: z.array(z.enum(['a', 'b'])).min(1).max(2),
    when: z.iso.datetime(),
    email: z.email(),
  });

  it('says a field left out is required, and what a field of the wrong kind must be', () => {
    expect(messages(form, { name: 3, count: null, kinds: 'a', when: true })).toEqual([
      ['name', 'Must be text.'],
      ['count', 'Must be a number, not null.'],
      ['kinds', 'Must be a list.'],
      ['when', 'Must be text.'],
      ['email', 'Required.'],
    ]);
  });

  it('names the allowed values, the bounds and the expected format', () => {
    expect(messages(form, { name: '', count: 4, kinds: ['c'], when: 'yesterday', email: 'nobody' })).toEqual([
      ['name', 'Must not be empty.'],
      ['count', 'Must be 3 or less.'],
      ['kinds.0', 'Must be one of: "a", "b".'],
      ['when', 'Must be a date and time with its offset, such as 2026-11-27T16:30:00Z.'],
      ['email', 'Must be an e-mail address, such as name@ministry.example.'],
    ]);
  });

  it('says how many items a list takes', () => {
    expect(messages(form.shape.kinds, [])).toEqual([['', 'Must list at least one.']]);
    expect(messages(form.shape.kinds, ['a', 'b', 'a'])).toEqual([['', 'Must list at most 2.']]);
  });

  it('names fields the request does not take', () => {
    expect(messages(form, { name: 'x', count: 1, kinds: ['a'], when: '2026-11-27T16:30:00Z', email: 'a@b.example', colour: 1, size: 2 })).toEqual([
      ['', 'Not fields of this request: "colour", "size". Check the spelling against the API reference, /api/v1/openapi.json.'],
    ]);
  });

  it('leaves a message the schema gives itself alone', () => {
    expect(messages(z.object({ name: z.string('Give your name.') }), {})).toEqual([['name', 'Give your name.']]);
    expect(messages(z.string().min(3, 'Three at least.'), 'ab')).toEqual([['', 'Three at least.']]);
  });
});
