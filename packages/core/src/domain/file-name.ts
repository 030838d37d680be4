import anyAscii from 'any-ascii';

/**
 * File names are data, never paths. A name that arrives with an upload (or in a peer's message)
 * is only ever shown and offered back in a Content-Disposition header; content is stored under
 * its hash. Still, a name is made harmless for every place it may end up: a person's disk on
 * Windows, macOS or Linux, a terminal, a log line, a table cell.
 */

/** Longest name kept, in UTF-8 bytes; leaves room for a suffix such as `.malware-sample` under common 255-byte limits. */
export const MAX_FILE_NAME_BYTES = 200;
/** Used when nothing printable is left. */
export const FALLBACK_FILE_NAME = 'unnamed';

// C0 and C1 controls and DEL; bidirectional overrides, embeddings and isolates (which make
// "exe.pdf" display as "fdp.exe"); zero-width characters and the byte-order mark; the line
// and paragraph separators.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f\ufeff]/gu;
// Characters Windows refuses in names.
const RESERVED_CHARS = /[<>:"|?*]/g;
// Device names Windows treats specially whatever the extension: CON, CON.txt, com1.log.
const DEVICE = /^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/iu;

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

/** The longest prefix of `s` of at most `max` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(s: string, max: number): string {
  if (utf8Length(s) <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * A harmless file name from whatever a client or a peer sent: the last segment of any path
 * (forward or back slashes), without control, bidirectional or invisible characters, without
 * characters Windows refuses, not a device name, not hidden, not empty, and at most
 * MAX_FILE_NAME_BYTES bytes of UTF-8 with its extension kept where it is short.
 */
export function safeFileName(raw: string, maxBytes = MAX_FILE_NAME_BYTES): string {
  let name = raw.normalize('NFC').replace(INVISIBLE, '');
  // A path: keep its last real segment ("C:\\Users\\x\\report.pdf" → "report.pdf", "../../etc/passwd" → "passwd").
  const segments = name.split(/[/\\]+/).filter((s) => s.trim() !== '' && !/^\.+$/.test(s.trim()));
  name = segments.at(-1) ?? '';
  name = name.replace(RESERVED_CHARS, '_').replace(/\s+/gu, ' ');
  // Windows drops trailing dots and spaces; leading dots hide a file on Unix.
  name = name.trim().replace(/[. ]+$/u, '').replace(/^\.+/u, '_');
  if (DEVICE.test(name)) name = `_${name}`;
  if (utf8Length(name) > maxBytes) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? name.slice(dot) : '';
    if (ext && utf8Length(ext) <= 16) {
      name = truncateUtf8(name.slice(0, dot), maxBytes - utf8Length(ext)).replace(/[. ]+$/u, '') + ext;
    } else {
      name = truncateUtf8(name, maxBytes).replace(/[. ]+$/u, '');
    }
  }
  return name === '' || name === '_' ? FALLBACK_FILE_NAME : name;
}

/** The suffix a malware sample's download name carries, so that nothing opens it by its extension. */
export const MALWARE_SUFFIX = '.malware-sample';

/**
 * An RFC 6266 `Content-Disposition: attachment` value: an ASCII fallback `filename` and the exact
 * name as RFC 8187 `filename*`. Clients that read only `filename` (curl -OJ, some proxies) save
 * the file under the fallback, so it is the name transliterated (AnyAscii: "Отчёт.html" gives
 * "Otchet.html", "电网日志.log" "DianWangRiZhi.log") rather than stripped of every letter outside
 * ASCII, which left Arabic, Chinese or Russian names as ".html", a hidden file, or nothing.
 */
export function attachmentDisposition(name: string): string {
  // Percent signs and backslashes could be read as escapes in a quoted string; the rest is made safe as any name is.
  const ascii = safeFileName(anyAscii(name).replace(/[^\x20-\x7e]/g, '').replace(/[\\%]/g, '_'));
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
