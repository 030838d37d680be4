import { describe, expect, it } from 'vitest';
import { MAX_INDICATORS, checkIndicator, indicatorSchema, parseIndicators, refang, type IndicatorType } from './indicators.js';

const valid: Array<[IndicatorType, string, string]> = [
  ['ipv4', '192.0.2.10', '192.0.2.10'],
  ['ipv4', ' 0.0.0.0 ', '0.0.0.0'],
  ['ipv4', '255.255.255.255', '255.255.255.255'],
  ['ipv6', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
  ['ipv6', '2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
  ['ipv6', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['ipv6', '::1', '::1'],
  ['ipv6', '::', '::'],
  ['ipv6', '[2001:db8::1]', '2001:db8::1'],
  ['ipv6', '::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ['ipv6', '64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ['cidr', '192.0.2.0/24', '192.0.2.0/24'],
  ['cidr', '0.0.0.0/0', '0.0.0.0/0'],
  ['cidr', '10.1.2.3/32', '10.1.2.3/32'],
  ['cidr', '2001:DB8::/32', '2001:db8::/32'],
  ['cidr', '2001:db8:0:0:0:0:0:0/64', '2001:db8::/64'],
  ['domain', 'Example.ORG', 'example.org'],
  ['domain', 'example.org.', 'example.org'],
  ['domain', 'bücher.example', 'xn--bcher-kva.example'],
  ['domain', 'пример.рф', 'xn--e1afmkfd.xn--p1ai'],
  ['domain', 'ΠΑΡΆΔΕΙΓΜΑ.gr', 'xn--hxajbheg2az3al.gr'],
  ['domain', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ['domain', '_dmarc.example.com', '_dmarc.example.com'],
  ['url', 'http://Example.COM', 'http://example.com/'],
  ['url', 'https://bücher.example/a b'.replace(' ', '%20'), 'https://xn--bcher-kva.example/a%20b'],
  ['url', 'http://192.0.2.1:8080/x?y=1,2', 'http://192.0.2.1:8080/x?y=1,2'],
  ['url', 'https://[2001:db8::1]/login', 'https://[2001:db8::1]/login'],
  ['email', 'Officer@Example.ORG', 'Officer@example.org'],
  ['email', 'first.last+tag@mail.example', 'first.last+tag@mail.example'],
  ['md5', 'D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['sha512', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'],
  ['asn', 'AS64496', 'AS64496'],
  ['asn', 'as64496', 'AS64496'],
  ['asn', 'ASN 64496', 'AS64496'],
  ['asn', '64496', 'AS64496'],
  ['asn', 'AS1.10', 'AS65546'],
  ['asn', 'AS4294967295', 'AS4294967295'],
];

const invalid: Array<[IndicatorType, string, RegExp]> = [
  ['ipv4', '999.1.1.1', /999 is above 255/],
  ['ipv4', '10.0.0.300', /300 is above 255/],
  ['ipv4', '10.0.0', /four numbers/],
  ['ipv4', '10.0.0.1.5', /four numbers/],
  ['ipv4', '010.0.0.1', /leading zero in 010.*write 10/],
  ['ipv4', '1.2.3.-4', /four numbers/],
  ['ipv6', '2001:db8::1::2', /not a valid IPv6/],
  ['ipv6', '2001:db8:12345::1', /not a valid IPv6/],
  ['ipv6', '1:2:3:4:5:6:7:8:9', /not a valid IPv6/],
  ['ipv6', 'fe80::1%eth0', /zone index/],
  ['ipv6', 'gggg::1', /not a valid IPv6/],
  ['cidr', '192.0.2.5/24', /not the start of its network.*192\.0\.2\.0\/24/],
  ['cidr', '192.0.2.0/33', /from 0 to 32/],
  ['cidr', '2001:db8::1/64', /not the start of its network.*2001:db8::\/64/],
  ['cidr', '2001:db8::/129', /from 0 to 128/],
  ['cidr', '192.0.2.0', /slash and a prefix length/],
  ['cidr', '300.0.0.0/8', /300 is above 255/],
  ['domain', 'localhost', /at least one dot/],
  ['domain', 'exa mple.com', /contains a space/],
  ['domain', 'example..com', /empty part|not a valid domain/],
  ['domain', '-bad.example', /hyphen/],
  ['domain', 'a'.repeat(64) + '.example', /63 characters/],
  ['domain', 'example.123', /not a top-level domain|IP address|not a valid domain/],
  ['domain', '1.2.3.4', /numbers only/],
  ['domain', 'example.com/path', /contains “\/”/],
  ['url', 'example.com/path', /start with its scheme/],
  ['url', 'javascript://alert(1)', /scheme “javascript”/],
  ['url', 'http://exa mple.com', /contains a space/],
  ['url', 'http://999.1.1.1/', /not a valid URL|not a valid domain/],
  ['email', 'officer.example.org', /no “@”/],
  ['email', '@example.org', /nothing before/],
  ['email', 'a..b@example.org', /misplaced dot/],
  ['email', 'officer@localhost', /not a valid domain/],
  ['md5', 'd41d8cd98f00b204e9800998ecf8427', /31 characters; an MD5 hash has 32/],
  ['sha256', 'z3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', /contains “z”/],
  ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd8070', /39 characters; a SHA-1 hash has 40/],
  ['asn', 'AS0', /reserved/],
  ['asn', 'AS4294967296', /above the largest/],
  ['asn', 'AS64496x', /not an AS number/],
  ['asn', 'AS70000.1', /0 to 65535/],
  ['asn', 'AS064496', /leading zero/],
];

describe('checkIndicator', () => {
  it.each(valid)('accepts %s %s as %s', (type, input, canonical) => {
    expect(checkIndicator(type, input)).toEqual({ ok: true, value: canonical });
  });
  it.each(invalid)('refuses %s %s with a reason', (type, input, reason) => {
    const r = checkIndicator(type, input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(reason);
      expect(r.reason).toMatch(/[.]$/);
    }
  });
  it('refuses empty, overlong and control-character values', () => {
    expect(checkIndicator('domain', '  ').ok).toBe(false);
    expect(checkIndicator('url', `http://example.com/${'a'.repeat(2100)}`)).toMatchObject({ ok: false, reason: expect.stringMatching(/longer than 2,048/) });
    expect(checkIndicator('domain', 'exa\u0007mple.com')).toMatchObject({ ok: false, reason: expect.stringMatching(/control characters/) });
  });
});

describe('indicatorSchema', () => {
  it('normalises a valid value', () => {
    expect(indicatorSchema.parse({ type: 'domain', value: 'Bücher.Example' })).toEqual({ type: 'domain', value: 'xn--bcher-kva.example' });
    expect(indicatorSchema.parse({ type: 'asn', value: 'as 64496' })).toEqual({ type: 'asn', value: 'AS64496' });
  });
  it('refuses 999.1.1.1 as ipv4 with a clear message on the value', () => {
    const r = indicatorSchema.safeParse({ type: 'ipv4', value: '999.1.1.1' });
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    expect(r.error?.issues[0]?.path).toEqual(['value']);
    expect(r.error?.issues[0]?.message).toBe('“999.1.1.1” looks like an IPv4 address but 999 is above 255.');
  });
  it('refuses an unknown type and unknown fields', () => {
    expect(indicatorSchema.safeParse({ type: 'mac', value: '00:11:22:33:44:55' }).success).toBe(false);
    expect(indicatorSchema.safeParse({ type: 'ipv4', value: '192.0.2.1', note: 'x' }).success).toBe(false);
  });
});

describe('refang', () => {
  it.each([
    ['hxxp://evil[.]example/x', 'http://evil.example/x'],
    ['hXXps[:]//evil(.)example', 'https://evil.example'],
    ['hxxps[://]evil[dot]example', 'https://evil.example'],
    ['officer[@]example[.]org', 'officer@example.org'],
    ['user[at]example{.}org', 'user@example.org'],
    ['192[.]0[.]2[.]1', '192.0.2.1'],
    ['2001[:]db8[:][:]1', '2001:db8::1'],
    ['evil\\.example', 'evil.example'],
  ])('%s → %s', (input, output) => {
    expect(refang(input)).toBe(output);
  });
});

describe('parseIndicators', () => {
  it('recognises each type, one per line', () => {
    const text = [
      '192.0.2.1',
      '2001:db8::1',
      '198.51.100.0/24',
      'evil.example',
      'https://evil.example/payload.exe',
      'phisher@evil.example',
      'd41d8cd98f00b204e9800998ecf8427e',
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
      'AS64496',
    ].join('\n');
    const r = parseIndicators(text);
    expect(r.rejected).toEqual([]);
    expect(r.indicators.map((i) => i.type)).toEqual(['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'sha512', 'asn']);
  });

  it('explains a rejected line with its number, in a sentence', () => {
    const r = parseIndicators('192.0.2.1\n\n# comment\n10.0.0.300\n');
    expect(r.indicators).toEqual([{ type: 'ipv4', value: '192.0.2.1' }]);
    expect(r.rejected).toEqual([{ line: 4, text: '10.0.0.300', reason: 'Line 4: “10.0.0.300” looks like an IPv4 address but 300 is above 255.' }]);
  });

  it('refangs, splits on commas and spaces, trims punctuation and de-duplicates', () => {
    const r = parseIndicators('hxxp://evil[.]example/a, evil[.]example; 192.0.2.1\n"192.0.2.1", (EVIL.example)\nevil.example.');
    expect(r.rejected).toEqual([]);
    expect(r.indicators).toEqual([
      { type: 'url', value: 'http://evil.example/a' },
      { type: 'domain', value: 'evil.example' },
      { type: 'ipv4', value: '192.0.2.1' },
    ]);
  });

  it('keeps commas inside a URL', () => {
    expect(parseIndicators('https://evil.example/a?x=1,2').indicators).toEqual([{ type: 'url', value: 'https://evil.example/a?x=1,2' }]);
  });

  it('ignores words beside an indicator but reports a line with none', () => {
    const r = parseIndicators('C2 server: 192.0.2.7 (seen twice)\nno indicators here at all');
    expect(r.indicators).toEqual([{ type: 'ipv4', value: '192.0.2.7' }]);
    expect(r.rejected).toEqual([{ line: 2, text: 'no indicators here at all', reason: 'Line 2: no indicator found in “no indicators here at all”.' }]);
  });

  it('explains hash-like strings of the wrong length and bare numbers', () => {
    const r = parseIndicators('d41d8cd98f00b204e9800998ecf8427\n64496\n10.0');
    expect(r.indicators).toEqual([]);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'Line 1: “d41d8cd98f00b204e9800998ecf8427” looks like a file hash but has 31 characters; MD5 hashes have 32, SHA-1 40, SHA-256 64 and SHA-512 128.',
      'Line 2: “64496” is only a number; if it is an AS number, write it as AS64496.',
      'Line 3: “10.0” is not an IP address: an IPv4 address has four numbers separated by dots.',
    ]);
  });

  it('handles Windows line endings and tabs', () => {
    const r = parseIndicators('192.0.2.1\r\nevil.example\tAS64496\r\n');
    expect(r.indicators).toHaveLength(3);
    expect(r.rejected).toEqual([]);
  });

  it('caps the list at MAX_INDICATORS and says so once', () => {
    const lines: string[] = [];
    for (let i = 0; i < MAX_INDICATORS + 5; i++) lines.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const r = parseIndicators(lines.join('\n'));
    expect(r.indicators).toHaveLength(MAX_INDICATORS);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]?.reason).toMatch(/more than 10,000 indicators/);
    expect(r.rejected[0]?.line).toBe(MAX_INDICATORS + 1);
  });
});
