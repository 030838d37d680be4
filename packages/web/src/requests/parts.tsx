import type { ResponseOf } from '@parley/core';
import { caseStatusWords } from '../../../core/src/api/labels.js';
import { formatDate, formatDeadline, formatTime, messages as t } from '../i18n/index.js';
import { useNow } from '../use-now.js';
import type { Preservation } from './values.js';

const k = t.requests;
const DAY = 86_400_000;

type Request = ResponseOf<'listRequests'>['requests'][number];

/** The type of a request in words ("Expedited preservation request"). */
export function kindLabel(kind: string): string {
  return k.kinds[kind] ?? kind;
}

/** The type as a badge; the words carry the meaning, the colour only repeats them. */
export function KindBadge({ kind }: { kind: string }) {
  return <span className={`badge badge-request-kind badge-request-${kind}`}>{kindLabel(kind)}</span>;
}

/** The decision of an executed request, as far as the list and the badge need it. */
function decisionKind(decision: unknown): string | null {
  if (typeof decision !== 'object' || decision === null) return null;
  const d = (decision as { decision?: unknown }).decision;
  return typeof d === 'string' ? d : null;
}

function decisionUntil(decision: unknown): string | null {
  if (typeof decision !== 'object' || decision === null) return null;
  const u = (decision as { until?: unknown }).until;
  return typeof u === 'string' ? u : null;
}

/**
 * The status in words, with the outcome once closed and the manner once executed ("Executed in
 * part"); to the requested state (`side` recipient), a request not yet acknowledged was received.
 */
export function requestStatusWords(status: string, outcome: string | null, decision: unknown = null, side: 'raiser' | 'recipient' = 'raiser'): string {
  return caseStatusWords(k, { status, outcome, side, decision: decisionKind(decision) });
}

export function RequestStatusBadge({ status, outcome, decision = null, side }: { status: string; outcome: string | null; decision?: unknown; side: 'raiser' | 'recipient' }) {
  const tone = status === 'closed' && outcome ? `closed-${outcome}` : status;
  return <span className={`badge badge-request badge-request-status-${tone}`}>{requestStatusWords(status, outcome, decision, side)}</span>;
}

/**
 * Whole days left until a preservation ends, counted up (a preservation ending in 30 hours has 2
 * days left); 0 once less than a day remains, negative once it has ended.
 */
export function daysLeft(until: string, now: number): number {
  const ms = new Date(until).getTime() - now;
  if (ms <= 0) return Math.floor(ms / DAY);
  return ms < DAY ? 0 : Math.ceil(ms / DAY);
}

/**
 * The preservation clock of an executed preservation request: until when the data is kept and
 * how many days are left, in words (the colour only repeats them). Nothing when no preservation
 * runs. The props are kept stable: the request page uses it too.
 */
export function PreservationClock({ preserveUntil, preservation }: { preserveUntil: string | null; preservation: Preservation }) {
  const now = useNow(60_000);
  if (preservation === 'none' || !preserveUntil) return null;
  const until = formatDate(preserveUntil);
  if (preservation === 'lapsed') {
    return <span className="preservation-clock preservation-lapsed">{k.clock.lapsed(until)}</span>;
  }
  const n = daysLeft(preserveUntil, now);
  const left = n <= 0 ? k.clock.underADay : k.clock.daysLeft(n);
  return preservation === 'lapsing' ? (
    <span className="preservation-clock preservation-lapsing">{k.clock.lapsing(until, left)}</span>
  ) : (
    <span className="preservation-clock preservation-running">{k.clock.running(until, left)}</span>
  );
}

/**
 * The deadline that matters now: the acknowledgement while a request waits for it, then the
 * decision; once decided or closed, when that happened. Overdue is said in words.
 */
export function RequestDeadline({
  r,
  now,
}: {
  r: Pick<Request, 'status' | 'ackState' | 'ackDeadline' | 'responseState' | 'responseRequestedBy' | 'decidedAt' | 'closedAt' | 'decision'>;
  now: number;
}) {
  const d = k.deadline;
  if (r.status === 'draft') return <span className="deadline muted">{d.none}</span>;
  if (r.ackState === 'due' || r.ackState === 'overdue') {
    const when = formatTime(r.ackDeadline);
    const rel = formatDeadline(r.ackDeadline ?? '', now);
    return r.ackState === 'overdue' ? <span className="deadline overdue">{d.ackOverdue(when, rel)}</span> : <span className="deadline due">{d.ackDue(when, rel)}</span>;
  }
  if (r.status === 'postponed' && decisionUntil(r.decision)) return <span className="deadline due">{d.postponedUntil(formatTime(decisionUntil(r.decision)))}</span>;
  if (r.responseState === 'due' || r.responseState === 'overdue') {
    const when = formatTime(r.responseRequestedBy);
    const rel = formatDeadline(r.responseRequestedBy ?? '', now);
    return r.responseState === 'overdue' ? (
      <span className="deadline overdue">{d.decisionOverdue(when, rel)}</span>
    ) : (
      <span className="deadline due">{d.decisionDue(when, rel)}</span>
    );
  }
  if (r.status === 'closed' && r.closedAt) return <span className="deadline muted">{d.closed(formatTime(r.closedAt))}</span>;
  if (r.decidedAt) return <span className="deadline deadline-met">{d.decided(formatTime(r.decidedAt))}</span>;
  return <span className="deadline muted">{d.none}</span>;
}

/** Whether a request waits on this state's officers: received and not acknowledged, asked for information, or late. */
export function needsAction(r: Pick<Request, 'status' | 'side' | 'awaiting' | 'ackState' | 'responseState' | 'preservation'>): boolean {
  if (r.status === 'draft' || r.status === 'closed') return false;
  if (r.awaiting === r.side) return true;
  if (r.side === 'recipient') return r.status === 'sent' || r.ackState === 'overdue' || r.responseState === 'overdue';
  return r.preservation === 'lapsing';
}
