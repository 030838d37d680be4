import { describe, expect, it } from 'vitest';
import { foldForSearch, searchDocument, searchQuery } from './search-text.js';

describe('foldForSearch: one spelling for one text', () => {
  it('brings "é" typed as e + U+0301 (NFD) and as U+00E9 (NFC) to the same letters', () => {
    expect(foldForSearch('Cafe\u0301')).toBe(foldForSearch('Caf\u00e9'));
    expect(foldForSearch('Cafe\u0301')).toBe('caf\u00e9');
  });

  it('lowercases letters beyond ASCII, whatever the database locale', () => {
    expect(foldForSearch('ÉNERGIE Атака ЁЛКА Niño')).toBe('énergie атака ёлка niño');
  });

  it('reads full-width Latin letters and digits as their ordinary forms', () => {
    expect(foldForSearch('ＡＰＴ２８')).toBe('apt28');
  });

  it('drops the Arabic tatweel and vowel marks a writer may or may not type', () => {
    expect(foldForSearch('هُجُوم على الكهربــاء')).toBe(foldForSearch('هجوم على الكهرباء'));
  });

  it('turns punctuation outside ASCII into spaces, and keeps ASCII punctuation for addresses', () => {
    expect(foldForSearch('هجوم، «attaque» — 攻击。x')).toBe('هجوم attaque 攻击 x');
    expect(foldForSearch('vpn-login.example ops@mfa.example')).toBe('vpn-login.example ops@mfa.example');
  });
});

describe('searchDocument and searchQuery: Chinese, Japanese and Korean by overlapping pairs', () => {
  it('indexes a run of Chinese as its pairs of characters, then each character alone', () => {
    expect(searchDocument(['电网扫描事件'])).toBe('电网 网扫 扫描 描事 事件 电 网 扫 描 事 件');
  });

  it('keeps a lone Chinese character, and words in other scripts, as they are', () => {
    expect(searchDocument(['Ataque 电 a la red', 'هجوم على شبكة الكهرباء'])).toBe('ataque 电 a la red هجوم على شبكة الكهرباء');
  });

  it('separates a run from the Latin letters it is written against', () => {
    expect(searchDocument(['APT电网'])).toBe('apt 电网 电 网');
  });

  it('asks for a run of two characters or more as the phrase of its pairs', () => {
    expect(searchQuery('扫描')).toBe('"扫描"');
    expect(searchQuery('电网扫描')).toBe('"电网 网扫 扫描"');
    expect(searchQuery('扫')).toBe('扫');
  });

  it('keeps the web search syntax around a run: a negation, the searcher’s own quotes, or', () => {
    expect(searchQuery('-扫描 ataque')).toBe('-"扫描" ataque');
    expect(searchQuery('"red 电网扫描"')).toBe('"red 电网 网扫 扫描 "');
    expect(searchQuery('扫描 or Ataque')).toBe('"扫描" or ataque');
    expect(searchQuery('APT电网')).toBe('apt "电网"');
  });

  it('folds the search as it folds the text', () => {
    expect(searchQuery('E\u0301LECTRICA')).toBe('électrica');
  });
});
