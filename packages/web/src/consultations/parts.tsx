import type { Consultation } from '@parley/core';
import { type ReactNode, type TextareaHTMLAttributes } from 'react';
import { caseStatusWords } from '../../../core/src/api/labels.js';
import { useConfirmation } from '../components/confirm.js';
import { useCharacterLimit } from '../components/fields.js';
import { formatDeadline, formatTime, messages as t } from '../i18n/index.js';

const k = t.consultations;

type Side = Consultation['side'];

/**
 * The status in words, with the outcome once closed, as `side` reads it: the state that received
 * a consultation did not send it, so to it `sent` is "Received, not yet acknowledged". The case
 * file the node prints says it alike (core's caseStatusWords).
 */
export function statusWords(status: string, outcome: string | null, side: Side): string {
  return caseStatusWords(k, { status, outcome, side });
}

/** What the urgency asks, as `side` reads it: to the state that received it, "this state" is the one asked. */
export function urgencyHint(urgency: string, side: Side): string {
  return (side === 'recipient' ? k.urgencyHelpReceived : k.urgencyHelp)[urgency] ?? '';
}

/** The status in words; the badge's colour only repeats the words. */
export function StatusBadge({ status, outcome, side }: { status: string; outcome: string | null; side: Side }) {
  return <span className={`badge badge-consultation badge-consultation-${status.replace('_', '-')}`}>{statusWords(status, outcome, side)}</span>;
}

export function UrgencyBadge({ urgency }: { urgency: string }) {
  return <span className={`badge badge-urgency badge-urgency-${urgency}`}>{k.urgencies[urgency] ?? urgency}</span>;
}

/** "Due by 25 Nov 2026, 17:19 (due in 20 h)", "Overdue: …", or when it was met. */
export function AckDeadline({ c, now }: { c: Pick<Consultation, 'ackState' | 'ackDeadline' | 'acknowledgedAt'>; now: number }) {
  switch (c.ackState) {
    case 'met':
      return <span className="deadline deadline-met">{k.deadline.met(formatTime(c.acknowledgedAt))}</span>;
    case 'due':
      return <span className="deadline due">{k.deadline.due(formatTime(c.ackDeadline), formatDeadline(c.ackDeadline ?? '', now))}</span>;
    case 'overdue':
      return <span className="deadline overdue">{k.deadline.overdue(formatTime(c.ackDeadline), formatDeadline(c.ackDeadline ?? '', now))}</span>;
    default:
      return <span className="deadline muted">{k.deadline.none}</span>;
  }
}

export function ResponseDeadline({ c, now }: { c: Pick<Consultation, 'responseState' | 'responseRequestedBy' | 'respondedAt'>; now: number }) {
  switch (c.responseState) {
    case 'met':
      return <span className="deadline deadline-met">{k.responseDeadline.met(formatTime(c.respondedAt))}</span>;
    case 'due':
      return <span className="deadline due">{k.responseDeadline.due(formatTime(c.responseRequestedBy), formatDeadline(c.responseRequestedBy ?? '', now))}</span>;
    case 'overdue':
      return (
        <span className="deadline overdue">{k.responseDeadline.overdue(formatTime(c.responseRequestedBy), formatDeadline(c.responseRequestedBy ?? '', now))}</span>
      );
    default:
      return <span className="deadline muted">{c.responseRequestedBy ? formatTime(c.responseRequestedBy) : k.responseDeadline.none}</span>;
  }
}

/**
 * A multi-line text field, described like the other fields (hint, then error, then the box). What
 * is written in it may be in any script, so its direction follows the text (`dir="auto"`).
 */
export function TextAreaField({
  id,
  label,
  hint,
  errors,
  optional,
  value,
  onChange,
  maxChars,
  ...rest
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: readonly string[] | undefined;
  optional?: boolean;
  value: string;
  onChange: (value: string) => void;
  /** The node's limit, in characters (see `useCharacterLimit`). */
  maxChars?: number;
} & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'value' | 'onChange' | 'maxLength'>) {
  const limit = useCharacterLimit(value, onChange, maxChars);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <div className={`field${errorId ? ' field-invalid' : ''}`}>
      <label className="label" htmlFor={id}>
        {label}
        {optional ? <span className="optional"> {t.common.optional}</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p className="field-message" id={errorId}>
          {errors!.join(' ')}
        </p>
      ) : null}
      <textarea
        className="input textarea"
        id={id}
        name={id}
        dir="auto"
        rows={5}
        value={value}
        {...limit}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-invalid={errorId ? true : undefined}
        {...rest}
      />
    </div>
  );
}

/** Several choices at once, as checkboxes in a fieldset; the first box carries the group's id for error links. */
export function CheckboxGroup<V extends string>({
  id,
  legend,
  hint,
  errors,
  options,
  value,
  onChange,
  columns = false,
}: {
  id: string;
  legend: string;
  hint?: ReactNode;
  errors?: readonly string[] | undefined;
  options: readonly { value: V; label: ReactNode; hint?: string }[];
  value: readonly V[];
  onChange: (value: V[]) => void;
  columns?: boolean;
}) {
  const errorId = errors?.length ? `${id}-error` : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <fieldset className={`field fieldset${errorId ? ' field-invalid' : ''}`} aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}>
      <legend className="label">{legend}</legend>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p className="field-message" id={errorId}>
          {errors!.join(' ')}
        </p>
      ) : null}
      <div className={columns ? 'choice-columns' : undefined}>
        {options.map((o, i) => {
          const optionId = i === 0 ? id : `${id}-${o.value}`;
          return (
            <div className="radio" key={o.value}>
              <input
                type="checkbox"
                id={optionId}
                name={id}
                value={o.value}
                checked={value.includes(o.value)}
                onChange={(e) => onChange(e.target.checked ? [...value, o.value] : value.filter((v) => v !== o.value))}
                aria-describedby={o.hint ? `${optionId}-hint` : undefined}
              />
              <div>
                <label htmlFor={optionId}>{o.label}</label>
                {o.hint ? (
                  <p className="hint" id={`${optionId}-hint`}>
                    {o.hint}
                  </p>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** A step that cannot be taken back (sending, deleting, withdrawing): the first button asks, the second does it (`useConfirmation`). */
export function ConfirmStep({
  label,
  question,
  confirmLabel,
  busyLabel,
  busy,
  danger = false,
  groupLabel,
  check,
  onConfirm,
}: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  busy?: boolean;
  danger?: boolean;
  groupLabel?: string;
  /**
   * Called before asking; the question is asked only when it returns true. A form checks itself
   * here and shows its errors instead, so nobody confirms a send that cannot succeed.
   */
  check?: () => boolean;
  onConfirm: () => void;
}) {
  const { asking, setAsking, questionRef, openRef, cancelOnEscape } = useConfirmation();
  if (!asking) {
    return (
      <button type="button" className={`button${danger ? ' button-warning' : ''}`} ref={openRef} onClick={() => setAsking(check ? check() : true)}>
        {label}
      </button>
    );
  }
  return (
    <div className={`confirm${danger ? '' : ' confirm-plain'}`} role="group" aria-label={groupLabel ?? label} onKeyDown={cancelOnEscape}>
      <p tabIndex={-1} ref={questionRef}>
        {question}
      </p>
      <div className="actions">
        <button type="button" className={`button${danger ? ' button-danger' : ''}`} disabled={busy} onClick={onConfirm}>
          {busy && busyLabel ? busyLabel : confirmLabel}
        </button>
        <button type="button" className="button button-secondary" onClick={() => setAsking(false)}>
          {t.common.cancel}
        </button>
      </div>
    </div>
  );
}

/** A list of states as a sentence: "XAB", "XAB and XAC", "XAB, XAC and XAD". */
export function joinStates(codes: readonly string[]): string {
  return k.andList(codes);
}

/** A <input type="datetime-local"> value for an ISO time, in the browser's time zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The ISO time (UTC) of a datetime-local value, or null when empty or unreadable. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Whether a deadline asked of the other state (a datetime-local value) has passed, as the node
 * judges it: by more than five minutes, its allowance for clocks that differ. Empty has not.
 */
export function deadlinePassed(value: string, now: number): boolean {
  const by = fromLocalInput(value);
  return by !== null && Date.parse(by) < now - 5 * 60_000;
}
