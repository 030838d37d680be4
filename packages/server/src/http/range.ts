/**
 * One RFC 9110 byte range of a representation of `size` bytes: `bytes=a-b`, `bytes=a-` or
 * `bytes=-n`. No header: the whole. Several ranges are not served (the whole is sent instead,
 * which RFC 9110 allows); a range that starts past the end is unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number; partial: boolean } | 'unsatisfiable' {
  const whole = { start: 0, end: size - 1, partial: false };
  if (!header) return whole;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return whole;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1, partial: true };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable';
  return { start, end, partial: true };
}
