import type { ConsultationEvent, ResponseOf } from '@parley/core';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type * as protocol from '../../../protocol/src/messages/cooperation.js';
import { daysLeft, requestStatusWords } from './parts.js';
import type { custodyActions, decisionKinds, refusalGrounds } from './values.js';
import { formOf } from './form-model.js';
import { CopyButton } from '../components/copy.js';
import { DownloadProof } from '../components/download-proof.js';
import { StateLabel } from '../components/state-label.js';
import { formatDate, formatDeadline, formatTime, locale, messages as t } from '../i18n/index.js';

/*
 * The read-only parts of one cooperation request's page: its status and deadlines in words, the
 * preservation clock, the form in sections, the decision, and the chain of custody.
 */

const r = t.requestDetail;

export type RequestDetail = ResponseOf<'getRequest'>;
export type RequestForm = protocol.RequestForm;
export type Names = Map<string, string>;

export { custodyActions, decisionKinds, refusalGrounds } from './values.js';
export type DecisionKind = (typeof decisionKinds)[number];
export type RefusalGround = (typeof refusalGrounds)[number];
export type CustodyAction = (typeof custodyActions)[number];

export interface Decision {
  decision: string;
  grounds: string[];
  reasons: string;
  conditions: string;
  until: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The YYYY-MM-DD of a day in the browser's time zone, `days` after `from`. */
export function dateInput(from: number, days = 0): string {
  const d = new Date(from);
  d.setDate(d.getDate() + days);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * A YYYY-MM-DD day at the present time of day, as ISO: a preservation's end, so that "60 days"
 * from today is exactly 60 days and the clock counts it so. Null when empty or unreadable.
 */
export function sameTimeOn(value: string, now = Date.now()): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const t0 = new Date(now);
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), t0.getHours(), t0.getMinutes(), t0.getSeconds());
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The end (23:59:59, browser time zone) of a YYYY-MM-DD day, as ISO; null when empty or unreadable. */
export function endOfDay(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** When the decision was asked for, and how that stands: met, due, overdue, or none asked. */
export function DecisionDeadline({ c, now }: { c: Pick<RequestDetail, 'responseState' | 'responseRequestedBy' | 'decidedAt'>; now: number }) {
  const relative = formatDeadline;
  const dd = r.decisionDeadline;
  switch (c.responseState) {
    case 'met':
      return <span className="deadline deadline-met">{dd.met(formatTime(c.decidedAt))}</span>;
    case 'due':
      return <span className="deadline due">{dd.due(formatTime(c.responseRequestedBy), relative(c.responseRequestedBy ?? '', now))}</span>;
    case 'overdue':
      return <span className="deadline overdue">{dd.overdue(formatTime(c.responseRequestedBy), relative(c.responseRequestedBy ?? '', now))}</span>;
    default:
      return <span className="deadline muted">{c.decidedAt ? dd.met(formatTime(c.decidedAt)) : c.responseRequestedBy ? formatTime(c.responseRequestedBy) : dd.none}</span>;
  }
}

/**
 * How long the preserved data is kept: "Data preserved until January 24, 2027 — 60 days left",
 * a warning when it lapses within a week, and a plain statement once it has lapsed. Shown on both
 * sides; the advice differs with the side.
 */
export function PreservationClock({
  preserveUntil,
  preservation,
  side,
  now,
}: {
  preserveUntil: string;
  preservation: RequestDetail['preservation'];
  side: RequestDetail['side'];
  now: number;
}) {
  const until = new Date(preserveUntil).getTime();
  const lapsed = preservation === 'lapsed' || until <= now;
  // Counted as the list counts them (requests/parts.tsx), so that both show the same number; from
  // the moment of this render (each poll), as a count rounded up must not lag behind.
  const days = daysLeft(preserveUntil, Math.max(now, Date.now()));
  const left = days >= 1 ? r.clock.days(days) : r.clock.lessThanADay;
  const lapsing = !lapsed && (preservation === 'lapsing' || until - now <= 7 * DAY_MS);
  const date = formatDate(preserveUntil);
  return (
    <section className={`request-preservation ${lapsed ? 'alert alert-error' : lapsing ? 'alert alert-warning' : 'alert alert-info'}`} aria-labelledby="preservation-title">
      <h2 id="preservation-title" className="alert-title">
        {r.clock.title}
      </h2>
      <p className="preservation-until" data-preservation={lapsed ? 'lapsed' : lapsing ? 'lapsing' : 'running'}>
        <strong>{lapsed ? r.clock.lapsed(date) : lapsing ? r.clock.lapsing(date, left) : r.clock.running(date, left)}</strong>
      </p>
      <p>{side === 'raiser' ? r.clock.adviceRequesting : r.clock.adviceRequested}</p>
    </section>
  );
}

/**
 * A definition-list entry, showing "Not given" when empty. `written` marks what an officer wrote,
 * in whatever script: its direction then follows the text.
 */
function Fact({ label, value, wide = false, written = false }: { label: string; value: ReactNode; wide?: boolean; written?: boolean }) {
  const empty = value === '' || value === null || value === undefined;
  return (
    <div className={wide ? 'fact-wide' : undefined}>
      <dt>{label}</dt>
      <dd className={empty ? 'muted' : wide ? 'prewrap' : undefined} dir={written && !empty ? 'auto' : undefined}>
        {empty ? r.form.notGiven : value}
      </dd>
    </div>
  );
}

/** The fields each kind of request asks for; others are shown only when filled in. */
const expected: Record<string, readonly (keyof RequestForm)[]> = {
  preservation: ['requestingAuthority', 'offence', 'dataSought', 'linkToOffence', 'custodianOrLocation', 'necessity', 'mlaToFollow'],
  disclosure: ['requestingAuthority', 'offence', 'dataSought', 'linkToOffence', 'custodianOrLocation'],
  mla: ['requestingAuthority', 'proceedings', 'offence', 'dataSought', 'linkToOffence', 'custodianOrLocation', 'persons', 'timeLimits'],
  emergency: ['requestingAuthority', 'riskToLife', 'dataSought', 'custodianOrLocation'],
  spontaneous: [],
};

/** The request's form as the node holds it; tolerant of fields an older node left out (the form page reads it alike). */
export const readForm = (form: unknown): RequestForm => formOf(form);

/** The request form, read-only, in the sections of the standard forms. */
export function RequestFormView({ c, names }: { c: RequestDetail; names: Names }) {
  const f = readForm(c.form);
  const fl = r.form.fields;
  const wanted = new Set<string>(expected[c.kind] ?? []);
  /** A text field: shown when filled in or when this kind asks for it. */
  const text = (key: keyof RequestForm & string, wide = true) => {
    const value = f[key];
    if (typeof value !== 'string') return null;
    if (!value && !wanted.has(key)) return null;
    return <Fact key={key} label={fl[key as keyof typeof fl] ?? key} value={value} wide={wide} written />;
  };
  const instruments = f.legalBasis.instruments.map((i) => r.instruments[i] ?? i).join('; ');
  const contact = f.contact;
  return (
    <section aria-labelledby="form-title" className="request-form-view">
      <h2 id="form-title">{r.form.title}</h2>

      <h3 id="form-parties">{r.form.sections.parties}</h3>
      <dl className="facts" aria-labelledby="form-parties">
        <Fact label={r.header.requesting} value={<StateLabel code={c.raiser} name={names.get(c.raiser)} />} />
        <Fact label={r.header.requested} value={c.recipient ? <StateLabel code={c.recipient} name={names.get(c.recipient)} /> : ''} />
        {text('requestingAuthority', false)}
        {text('investigatingAuthority', false)}
        {text('prosecutorOrCourt', false)}
        {text('caseNumber', false)}
        <Fact label={fl.reference} value={f.reference} written />
      </dl>

      {c.kind !== 'spontaneous' || instruments || f.legalBasis.articles || f.legalBasis.channel ? (
        <>
          <h3 id="form-legal">{r.form.sections.legalBasis}</h3>
          <dl className="facts" aria-labelledby="form-legal">
            <Fact label={fl.instruments} value={instruments} wide />
            <Fact label={fl.articles} value={f.legalBasis.articles} written />
            <Fact label={fl.channel} value={f.legalBasis.channel ? (r.channels[f.legalBasis.channel] ?? f.legalBasis.channel) : ''} />
          </dl>
          <RecordedLegalBasis c={c} />
        </>
      ) : null}

      <h3 id="form-facts">{r.form.sections.facts}</h3>
      <dl className="facts" aria-labelledby="form-facts">
        <Fact label={fl.summary} value={c.summary} wide written />
        {text('proceedings')}
        {text('offence')}
        {text('persons')}
        {text('riskToLife')}
      </dl>

      {c.kind !== 'spontaneous' ? (
        <>
          <h3 id="form-sought">{r.form.sections.sought}</h3>
          <dl className="facts" aria-labelledby="form-sought">
            {text('dataSought')}
            {text('linkToOffence')}
            {text('custodianOrLocation')}
            {text('necessity')}
            {text('procedure')}
            {c.kind === 'preservation' || f.mlaToFollow !== null ? (
              <Fact label={fl.mlaToFollow} value={f.mlaToFollow === null ? '' : f.mlaToFollow ? r.form.mlaYes : r.form.mlaNo} />
            ) : null}
          </dl>
        </>
      ) : null}

      <h3 id="form-handling">{r.form.sections.handling}</h3>
      <dl className="facts" aria-labelledby="form-handling">
        <Fact label={r.header.urgency} value={r.urgencies[c.urgency] ?? c.urgency} />
        <Fact label={fl.tlp} value={`TLP:${c.tlp}`} />
        <Fact label={fl.responseRequestedBy} value={c.responseRequestedBy ? formatTime(c.responseRequestedBy) : ''} />
        {text('timeLimits')}
        {text('confidentiality')}
      </dl>

      <h3 id="form-contact">{r.form.sections.contact}</h3>
      <dl className="facts" aria-labelledby="form-contact">
        <Fact label={fl.contactName} value={contact.name} written />
        {contact.position ? <Fact label={fl.contactPosition} value={contact.position} written /> : null}
        <Fact label={fl.contactPhone} value={contact.phone ? <a href={`tel:${contact.phone.replace(/[^\d+]/g, '')}`}>{contact.phone}</a> : ''} />
        <Fact label={fl.contactEmail} value={contact.email ? <a href={`mailto:${contact.email}`} className="break">{contact.email}</a> : ''} />
        <Fact label={fl.officeHours} value={contact.officeHours} written />
        <Fact label={fl.timeZone} value={contact.timeZone} />
        {contact.preferredChannel ? <Fact label={fl.preferredChannel} value={contact.preferredChannel} written /> : null}
      </dl>

      <h3 id="form-related">{r.form.sections.related}</h3>
      <RelatedRequests c={c} related={f.related} />
    </section>
  );
}

function RecordedLegalBasis({ c }: { c: RequestDetail }) {
  const lb = c.legalBasis;
  return (
    <>
      <h4>{r.form.recordedTitle}</h4>
      {!lb ? (
        <p className="muted">{r.form.recordedNone}</p>
      ) : (
        <dl className="facts">
          <Fact label={r.form.recordedInstruments} value={lb.instruments.map((i) => r.instruments[i] ?? i).join('; ')} wide />
          <Fact label={r.form.fields.articles} value={lb.articles} written />
          <Fact label={r.form.fields.channel} value={lb.channel ? (r.channels[lb.channel] ?? lb.channel) : ''} />
          {lb.notes ? <Fact label={r.form.recordedNotes} value={lb.notes} wide written /> : null}
          <div className="fact-wide">
            <dt className="visually-hidden">{r.form.recordedNotes}</dt>
            <dd className="muted">{r.form.recordedUpdated(formatTime(lb.updatedAt), lb.updatedBy)}</dd>
          </div>
        </dl>
      )}
    </>
  );
}

function RelatedRequests({ c, related }: { c: RequestDetail; related: RequestForm['related'] }) {
  const linkedIds = new Set(c.related.map((x) => x.id));
  // References in the form to requests this node does not hold (sent outside Parley, say).
  const outside = related.filter((x) => !x.request || !linkedIds.has(x.request));
  if (!c.related.length && !outside.length) return <p className="muted">{r.form.relatedNone}</p>;
  return (
    <ul className="related-requests">
      {c.related.map((x) => (
        <li key={x.id}>
          <Link href={`/requests/${encodeURIComponent(x.id)}`}>{r.form.relatedLink(r.kinds[x.kind] ?? x.kind, x.title || r.untitled)}</Link>
          {x.reference ? (
            <span className="muted">
              {' '}
              · {r.form.fields.reference} <span dir="auto">{x.reference}</span>
            </span>
          ) : null}
          <span className="muted"> · {r.form.relatedStatus(requestStatusWords(x.status, null))}</span>
          {related.find((y) => y.request === x.id)?.note ? (
            <p className="prewrap small" dir="auto">
              {related.find((y) => y.request === x.id)?.note}
            </p>
          ) : null}
        </li>
      ))}
      {outside.map((x, i) => (
        <li key={`outside-${i}`}>
          {x.kind ? `${r.kinds[x.kind] ?? x.kind}: ` : null}
          {x.request ? (
            <Link href={`/requests/${encodeURIComponent(x.request)}`} dir="auto">
              {x.reference || x.request}
            </Link>
          ) : (
            r.form.relatedOutside(x.reference)
          )}
          {x.note ? (
            <p className="prewrap small" dir="auto">
              {x.note}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** A decision in words: what was decided and everything said with it. */
export function DecisionView({ decision, headingLevel = 3 }: { decision: Decision; headingLevel?: 3 | 4 }) {
  const dk = r.decision;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const kind = decision.decision;
  return (
    <div className={`decision decision-${kind.replace(/_/g, '-')}`} data-decision={kind}>
      <Heading className="decision-title">{r.decisions[kind] ?? kind}</Heading>
      <dl className="record-facts">
        {kind === 'refuse' ? (
          <div className="fact-wide">
            <dt>{dk.grounds}</dt>
            <dd>
              <ul className="decision-grounds">
                {decision.grounds.map((g) => (
                  <li key={g}>{r.grounds[g] ?? g}</li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
        {decision.reasons ? (
          <div className="fact-wide">
            <dt>{kind === 'execute_in_part' ? dk.notExecuted : kind === 'postpone' ? dk.postponeReason : dk.reasons}</dt>
            <dd className="prewrap" dir="auto">
              {decision.reasons}
            </dd>
          </div>
        ) : null}
        {decision.conditions ? (
          <div className="fact-wide">
            <dt>{dk.conditions}</dt>
            <dd className="prewrap" dir="auto">
              {decision.conditions}
            </dd>
          </div>
        ) : null}
        {decision.until ? (
          <div>
            <dt>{kind === 'postpone' ? dk.postponedUntil : dk.preservedUntil}</dt>
            <dd>{formatDate(decision.until)}</dd>
          </div>
        ) : null}
      </dl>
    </div>
  );
}

/** The latest decision, or why there is none. */
export function DecisionPanel({ c }: { c: RequestDetail }) {
  const decision = c.decision as Decision | null;
  return (
    <section aria-labelledby="decision-title" className="panel request-decision">
      <h2 id="decision-title">{r.decision.title}</h2>
      {decision ? (
        <>
          {c.decidedAt ? <p className="muted">{r.decision.decidedAt(formatTime(c.decidedAt))}</p> : null}
          <DecisionView decision={decision} />
        </>
      ) : (
        <p>{c.kind === 'spontaneous' ? r.decision.noneSpontaneous : r.decision.none}</p>
      )}
      {c.kind === 'preservation' && c.side === 'raiser' && (c.status === 'executed' || c.preserveUntil) ? (
        <div className="follow-up">
          <p>{r.decision.followMlaHelp}</p>
          <p>
            <Link className="button" href={`/requests/new?kind=mla&related=${encodeURIComponent(c.id)}`}>
              {r.decision.followMla}
            </Link>
          </p>
        </div>
      ) : null}
    </section>
  );
}

type CustodyEntry = RequestDetail['custody'][number]['entries'][number];

/** The links of one chain of custody, oldest first, as an ordered list. */
export function CustodyLinks({ entries, label }: { entries: readonly CustodyEntry[]; label: string }) {
  const c = r.custody;
  return (
    <ol className="custody-links" aria-label={label}>
      {entries.map((e, i) => (
        <li key={i} className="custody-link">
          <strong>{r.custodyActions[e.action] ?? e.action}</strong> · <time dateTime={e.at}>{formatTime(e.at)}</time>
          <br />
          <span className="visually-hidden">{c.linkWho}: </span>
          <span dir="auto">{e.by}</span>
          {e.organisation ? (
            <>
              , <span dir="auto">{e.organisation}</span>
            </>
          ) : null}
          {e.note ? (
            <p className="prewrap small custody-note" dir="auto">
              {e.note}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** Every returned item's chain of custody as one record, with the proof of the step that returned it. */
export function CustodySection({ c }: { c: RequestDetail }) {
  // In the language of the moment: it can change while the page is open.
  const sizeFormat = new Intl.NumberFormat(locale);
  const k = r.custody;
  if (c.kind === 'spontaneous' && !c.custody.length) return null;
  return (
    <section aria-labelledby="custody-title">
      <h2 id="custody-title">{k.title}</h2>
      <p className="muted">{k.intro}</p>
      {!c.custody.length ? (
        <p>{k.none}</p>
      ) : (
        <ul className="records custody-records">
          {c.custody.map((item) => {
            const shaId = `custody-sha-${item.sha256}`;
            return (
              <li key={item.sha256} className="record custody-record">
                <h3 className="record-title record-title-small break" dir="auto">
                  {item.name || k.unknownFile(item.sha256)}
                </h3>
                <dl className="record-facts">
                  <div>
                    <dt>{k.size}</dt>
                    <dd>{k.bytes(sizeFormat.format(item.size))}</dd>
                  </div>
                  <div className="fact-wide">
                    <dt>{k.sha256}</dt>
                    <dd>
                      <code className="mono evidence-sha" id={shaId}>
                        {item.sha256}
                      </code>{' '}
                      <CopyButton text={item.sha256} label={k.copySha} sourceId={shaId} />
                    </dd>
                  </div>
                </dl>
                <p className="label-secondary">{k.links}</p>
                <CustodyLinks entries={item.entries} label={r.eventCustody(item.name || k.unknownFile(item.sha256))} />
                <p className="label-secondary">{k.proof}</p>
                {item.envelopeHash ? <DownloadProof hash={item.envelopeHash} /> : <p className="muted">{k.noProof}</p>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** What a request's step carries beyond text and evidence: its decision, chains of custody, new date. */
export function requestEventExtra(c: RequestDetail) {
  const nameOf = (sha: string) => c.custody.find((x) => x.sha256 === sha)?.name || c.events.flatMap((e) => e.evidence).find((x) => x.sha256 === sha)?.name || r.custody.unknownFile(sha);
  return function Extra(e: ConsultationEvent): ReactNode {
    if (!e.decision && !e.custody.length && !e.until) return null;
    return (
      <>
        {e.decision ? <DecisionView decision={e.decision} headingLevel={4} /> : null}
        {e.until && !e.decision ? <p className="event-until">{r.eventExtended(formatDate(e.until))}</p> : null}
        {e.custody.map((x) => (
          <div key={x.sha256} className="event-custody">
            <p className="label-secondary">{r.eventCustody(nameOf(x.sha256))}</p>
            <CustodyLinks entries={x.entries} label={r.eventCustody(nameOf(x.sha256))} />
          </div>
        ))}
      </>
    );
  };
}
