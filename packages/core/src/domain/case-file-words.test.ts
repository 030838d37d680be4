import { describe, expect, it } from 'vitest';
import { caseDeadline, caseTime, caseTimeOrDash } from './case-file-words.js';

describe('times in the printed case file', () => {
  it('are written as people read them, in UTC, whatever offset they were stored with', () => {
    expect(caseTime('2026-11-25T09:30:00Z')).toBe('25 Nov 2026, 09:30 UTC');
    expect(caseTime('2026-11-25T10:30:00.123+01:00')).toBe('25 Nov 2026, 09:30 UTC');
    expect(caseTime('2026-01-01T00:05:00+05:00')).toBe('31 Dec 2025, 19:05 UTC');
  });

  it('leave text that is not a time as it is, and show a dash for none', () => {
    expect(caseTime('unknown')).toBe('unknown');
    expect([caseTimeOrDash(null), caseTimeOrDash(undefined)]).toEqual(['—', '—']);
  });

  it('say how a deadline stands in words', () => {
    expect(caseDeadline('2026-11-25T09:30:00Z', 'overdue')).toBe('25 Nov 2026, 09:30 UTC (overdue)');
    expect(caseDeadline('2026-11-25T09:30:00Z', 'due')).toBe('25 Nov 2026, 09:30 UTC (not yet passed)');
    expect(caseDeadline('2026-11-25T09:30:00Z', 'met')).toBe('25 Nov 2026, 09:30 UTC (met)');
    expect(caseDeadline(null, 'none')).toBe('—');
  });
});
