import { describe, expect, it } from 'vitest';
import { attachmentDisposition, FALLBACK_FILE_NAME, MAX_FILE_NAME_BYTES, safeFileName, truncateUtf8 } from './file-name.js';

describe('safeFileName: file names are data, never paths', () => {
  it('keeps an ordinary name as it is, in any script', () => {
    expect(safeFileName('capture 2024-05-01.pcap')).toBe('capture 2024-05-01.pcap');
    expect(safeFileName('Отчёт об инциденте.pdf')).toBe('Отчёт об инциденте.pdf');
    expect(safeFileName('报告.txt')).toBe('报告.txt');
  });

  it('neutralises traversal with forward slashes', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('../../../')).toBe(FALLBACK_FILE_NAME);
    expect(safeFileName('..')).toBe(FALLBACK_FILE_NAME);
  });

  it('neutralises absolute paths, Windows paths and backslashes', () => {
    expect(safeFileName('/etc/shadow')).toBe('shadow');
    expect(safeFileName('C:\\Users\\analyst\\report.pdf')).toBe('report.pdf');
    expect(safeFileName('..\\..\\windows\\system32\\drivers\\etc\\hosts')).toBe('hosts');
    expect(safeFileName('\\\\server\\share\\x.log')).toBe('x.log');
    expect(safeFileName('C:evil.exe')).toBe('C_evil.exe');
  });

  it('removes control characters, including newlines that could forge a log line or a header', () => {
    expect(safeFileName('a\u0000b\u0007c\r\nd\u007f\u009be.txt')).toBe('abcde.txt');
    expect(safeFileName('report.pdf\r\nX-Injected: 1')).toBe('report.pdfX-Injected_ 1');
  });

  it('removes bidirectional overrides that disguise an extension', () => {
    // "invoice\u202Efdp.exe" displays as "invoiceexe.pdf".
    expect(safeFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('\u2066a\u2067b\u2068c\u2069\u200e\u200f\u061c.txt')).toBe('abc.txt');
    expect(safeFileName('zero\u200bwidth\ufeff.txt')).toBe('zerowidth.txt');
  });

  it('prefixes reserved device names, with or without an extension, in any case', () => {
    for (const name of ['CON', 'con.txt', 'PRN', 'aux.log', 'NUL', 'COM1', 'com9.bin', 'LPT1', 'lpt3.txt', 'COM¹']) {
      expect(safeFileName(name), name).toBe(`_${name}`);
    }
    expect(safeFileName('console.txt')).toBe('console.txt');
    expect(safeFileName('COM10')).toBe('COM10');
  });

  it('replaces characters Windows refuses, and trailing dots and spaces', () => {
    expect(safeFileName('a<b>c:d"e|f?g*h.txt')).toBe('a_b_c_d_e_f_g_h.txt');
    expect(safeFileName('report.pdf. . ')).toBe('report.pdf');
  });

  it('does not let a name hide a file by a leading dot', () => {
    expect(safeFileName('.bashrc')).toBe('_bashrc');
    expect(safeFileName('...hidden')).toBe('_hidden');
  });

  it('gives a name to an empty or invisible one', () => {
    expect(safeFileName('')).toBe(FALLBACK_FILE_NAME);
    expect(safeFileName('   ')).toBe(FALLBACK_FILE_NAME);
    expect(safeFileName('\u202e\u0000')).toBe(FALLBACK_FILE_NAME);
    expect(safeFileName('/')).toBe(FALLBACK_FILE_NAME);
  });

  it('caps absurd lengths in UTF-8 bytes, keeping the extension', () => {
    const long = `${'a'.repeat(10_000)}.pcapng`;
    const safe = safeFileName(long);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(safe.endsWith('.pcapng')).toBe(true);
    expect(Buffer.byteLength(safeFileName('x'.repeat(5000)))).toBe(MAX_FILE_NAME_BYTES);
  });

  it('never splits a multi-byte character when it cuts', () => {
    // 3 bytes each: 200 is not a multiple of 3, so a naive byte cut would split one.
    const safe = safeFileName('日'.repeat(500));
    expect(Buffer.byteLength(safe)).toBe(198);
    expect(safe).toBe('日'.repeat(66));
    expect(Buffer.from(safe, 'utf8').toString('utf8')).toBe(safe);
    // 4-byte characters (outside the BMP) are kept whole too.
    const emoji = safeFileName(`${'😀'.repeat(100)}.txt`);
    expect(emoji).toBe(`${'😀'.repeat(49)}.txt`);
    expect(emoji.includes('\ufffd')).toBe(false);
    expect(truncateUtf8('é😀', 4)).toBe('é');
  });

  it('normalises Unicode to NFC so the same name compares equal', () => {
    expect(safeFileName('re\u0301sume\u0301.doc')).toBe('résumé.doc');
  });
});

describe('attachmentDisposition (RFC 6266)', () => {
  it('gives an ASCII fallback and the exact name as filename*', () => {
    expect(attachmentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    const d = attachmentDisposition('Отчёт "final" 100%.pdf');
    expect(d).toContain(`filename*=UTF-8''${encodeURIComponent('Отчёт "final" 100%.pdf')}`);
    expect(d).toMatch(/filename="[ -~]*"/);
    expect(/filename="([^"]*)"/.exec(d)![1]).toBe('Otchet _final_ 100_.pdf');
  });

  it('gives Arabic, Chinese and emoji names a transliterated fallback, never a hidden or empty name', () => {
    const fallback = (name: string) => /filename="([^"]*)"/.exec(attachmentDisposition(name))![1];
    expect(fallback('هجوم.pcap')).toBe('hjwm.pcap');
    expect(fallback('电网日志.log')).toBe('DianWangRiZhi.log');
    expect(fallback('报告')).toBe('BaoGao');
    expect(fallback('🔥fire.txt')).toBe('_fire_fire.txt');
    expect(fallback('Re\u0301sume\u0301 niño.pdf')).toBe('Resume nino.pdf');
    expect(fallback('\u{1F6E1}')).not.toBe('');
    // The exact name, in any script, is always the filename* parameter.
    expect(attachmentDisposition('电网日志.log')).toContain(`filename*=UTF-8''${encodeURIComponent('电网日志.log')}`);
  });
});
