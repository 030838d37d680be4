import { evidenceLabels } from '../api/labels.js';

/**
 * How the printed case file says values and times: with the interface's words for values
 * (`api/labels.ts`), and times as people read them, in UTC and saying so, since the file is read
 * in other time zones than the one it was made in. The exact RFC 3339 times of the signed
 * messages and receipts stay in the file's annex, where a proof is checked against them.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "25 Nov 2026, 09:30 UTC"; text that is not a time is returned as it is. */
export function caseTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** A time, or a dash when there is none. */
export const caseTimeOrDash = (iso: string | null | undefined) => (iso ? caseTime(iso) : '—');

/** A file's status as the page of the node printing it says it, and whether it is a malware sample. */
export const caseEvidenceStatus = (ev: { status: string; malware: boolean }) => `${labelOf(evidenceLabels.statuses, ev.status)}${ev.malware ? ` (${evidenceLabels.malware.toLowerCase()})` : ''}`;

/** The interface's word for a stored value; the value itself if the table has none. */
export const labelOf = (table: Record<string, string>, value: string) => table[value] ?? value;

/** How a deadline stands, after its time. */
const DEADLINE_WORDS: Record<string, string> = { met: 'met', due: 'not yet passed', overdue: 'overdue', none: '' };

/** "25 Nov 2026, 09:30 UTC (overdue)", or a dash when there is no deadline. */
export function caseDeadline(iso: string | null | undefined, state: string): string {
  if (!iso) return '—';
  const words = DEADLINE_WORDS[state] ?? state;
  return words ? `${caseTime(iso)} (${words})` : caseTime(iso);
}
