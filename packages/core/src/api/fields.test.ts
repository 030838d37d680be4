import { describe, expect, it } from 'vitest';
import { phone, text } from './fields.js';

const title = text(300, 'The title');
const problem = (value: string) => {
  const r = title.safeParse(value);
  return r.success ? undefined : r.error.issues.map((i) => i.message);
};

describe('text: what a person writes, limited in characters', () => {
  it('accepts a title of exactly 300 characters in Chinese, in Arabic, or in emoji', () => {
    for (const value of ['电'.repeat(300), 'ب'.repeat(300), '🔥'.repeat(300)]) expect(problem(value), value.slice(0, 2)).toBeUndefined();
  });

  it('stores "é" typed as e + U+0301 as the one character é, and counts it once', () => {
    const typed = 'Re\u0301seau '.repeat(40); // 7 characters seen, 8 code points in NFD, each time
    expect(typed.length).toBe(320);
    expect(title.parse(typed)).toBe('R\u00e9seau '.repeat(40).trim());
    expect(problem('e\u0301'.repeat(300))).toBeUndefined();
  });

  it('states the limit and the length in characters when a title is too long', () => {
    expect(problem('电'.repeat(301))).toEqual(['The title has at most 300 characters; this one has 301.']);
    expect(problem('🔥'.repeat(301))).toEqual(['The title has at most 300 characters; this one has 301.']);
  });
});

describe('phone: a contact’s number in international format', () => {
  const problems = (value: string) => {
    const r = phone.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it('words instead of a number get one message, saying what to type', () => {
    expect(problems('call us')).toEqual([
      'Write the phone number in digits, starting with + and the country code, such as +41 22 917 12 34. Spaces may separate the digits.',
    ]);
  });

  it('a number too long gets one message about its length, however its characters are wrong', () => {
    expect(problems(`+41${' '.repeat(40)}229171234`)).toEqual(['A phone number has at most 40 characters, spaces included; this one has 52.']);
    expect(problems('x'.repeat(41))).toHaveLength(1);
  });

  it('too few digits get one message about the digits', () => {
    expect(problems('+41 22')).toEqual(['An international phone number has 7 to 15 digits, the country code included.']);
  });

  it('takes a number grouped by spaces, dashes or parentheses', () => {
    expect(['+41 22 917 12 34', '+1 (555) 010-0202'].map(problems)).toEqual([[], []]);
  });
});
