import { fields } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { characterCount, clipText, limitEdit, nodeLength } from './text.js';

const EMOJI = '😀'; // U+1F600: one character, two UTF-16 units
const RARE_HAN = '𠀀'; // U+20000, CJK Extension B: one character, two UTF-16 units
const FAMILY = '👨‍👩‍👧'; // man, ZWJ, woman, ZWJ, girl: five characters, one as read
const FLAG = '🇫🇷'; // two regional indicators: two characters, one flag
const E_ACUTE = 'e\u0301'; // e + combining acute: two characters, one as read

/** No UTF-16 surrogate outside a pair (String.prototype.isWellFormed, which ES2023 lacks). */
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('characterCount', () => {
  it.each([
    ['', 0],
    ['Parley', 6],
    ['هجوم على الشبكة', 15],
    ['电网扫描事件', 6],
    [EMOJI.repeat(3), 3],
    [RARE_HAN + 'a' + EMOJI, 3],
    [FAMILY, 5],
    [FLAG, 2],
    [E_ACUTE, 2],
    ['\ud800x', 2], // a lone surrogate counts as one, as the node's [...s] does
  ])('counts %j as %i characters, as the node does', (s, n) => {
    expect(characterCount(s)).toBe(n);
    expect(fields.characterCount(s)).toBe(n);
  });
});

describe('nodeLength', () => {
  it('counts text as the node does against a limit: in NFC', () => {
    const title = fields.text(3, 'The title');
    const decomposed = E_ACUTE.repeat(3);
    expect(characterCount(decomposed)).toBe(6);
    expect(nodeLength(decomposed)).toBe(3);
    expect(title.safeParse(decomposed).success).toBe(true);
    expect(title.safeParse(decomposed + 'e').success).toBe(false);
  });
});

describe('clipText', () => {
  it('leaves text within the limit as it is', () => {
    expect(clipText('abc', 3)).toBe('abc');
    expect(clipText(EMOJI.repeat(3), 3)).toBe(EMOJI.repeat(3));
  });

  it('counts an emoji or a rare Chinese character as one character, not two', () => {
    expect(clipText(EMOJI.repeat(5), 3)).toBe(EMOJI.repeat(3));
    expect(clipText(RARE_HAN.repeat(5), 4)).toBe(RARE_HAN.repeat(4));
  });

  it('never cuts inside a surrogate pair', () => {
    const s = 'a' + EMOJI + 'b';
    // slice(0, 2) would keep half of the emoji.
    expect(wellFormed(s.slice(0, 2))).toBe(false);
    for (let max = 0; max <= 4; max++) expect(wellFormed(clipText(s, max))).toBe(true);
    expect(clipText(s, 2)).toBe('a' + EMOJI);
  });

  it('never cuts inside an emoji sequence or between a letter and its accent', () => {
    expect(clipText('ab' + FAMILY, 4)).toBe('ab');
    expect(clipText('ab' + FAMILY, 7)).toBe('ab' + FAMILY);
    expect(clipText(FLAG + FLAG, 3)).toBe(FLAG);
    // q + combining acute has no precomposed form: two characters in NFC too, one as read.
    expect(clipText('caf' + 'q\u0301', 4)).toBe('caf');
    expect(clipText('caf' + E_ACUTE + 's', 4)).toBe('caf' + E_ACUTE);
  });

  it('gives nothing for a limit of zero or less', () => {
    expect(clipText('abc', 0)).toBe('');
    expect(clipText('abc', -1)).toBe('');
  });

  it('keeps no more than the node accepts', () => {
    const title = fields.text(300, 'The title');
    const long = (RARE_HAN + EMOJI + 'x').repeat(150);
    const clipped = clipText(long, 300);
    expect(characterCount(clipped)).toBe(300);
    expect(title.safeParse(clipped).success).toBe(true);
    expect(title.safeParse(clipped + 'x').success).toBe(false);
  });
});

describe('limitEdit', () => {
  it('keeps an edit that fits', () => {
    expect(limitEdit('abc', 'abcd', 4).value).toBe('abcd');
    expect(limitEdit(EMOJI.repeat(3), EMOJI.repeat(4), 4).value).toBe(EMOJI.repeat(4));
  });

  it('lets as many emoji be typed as the limit has characters', () => {
    let value = '';
    for (let i = 0; i < 12; i++) value = limitEdit(value, value + EMOJI, 10).value;
    expect(value).toBe(EMOJI.repeat(10));
  });

  it('keeps as much of a paste as fits, cut between characters, and the rest of the field as it was', () => {
    expect(limitEdit('ab', 'a' + EMOJI.repeat(5) + 'b', 5)).toEqual({ value: 'a' + EMOJI.repeat(3) + 'b', caret: 1 + 6 });
    expect(limitEdit('ab', 'a' + FAMILY + 'b', 6).value).toBe('ab');
  });

  it('finds the insertion when it starts with the same surrogate as the text after it', () => {
    // 😀 and 😁 share their first UTF-16 unit: the common start must not end inside the pair.
    const before = 'x' + '😁';
    const after = 'x' + '😀' + '😁';
    expect(limitEdit(before, after, 2).value).toBe(before);
    expect(limitEdit(before, after, 3).value).toBe(after);
  });

  it('lets as many accented letters be typed as the node keeps, though typed as letter and accent', () => {
    let value = '';
    for (let i = 0; i < 5; i++) value = limitEdit(value, value + E_ACUTE, 3).value;
    expect(value).toBe(E_ACUTE.repeat(3));
  });

  it('lets a field already over its limit be shortened, not lengthened', () => {
    expect(limitEdit('abcdef', 'abcde', 3).value).toBe('abcde');
    expect(limitEdit('abcdef', 'abcdefg', 3).value).toBe('abcdef');
  });
});
