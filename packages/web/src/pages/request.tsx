import { Link } from 'wouter';
import { call } from '../api/client.js';
import { BackLink, CaseBanner, CaseExports, PageLoading, useCasePage } from '../components/case-page.js';
import { CaseEvidenceList, CaseIntegrity, CaseTimeline } from '../components/case-timeline.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { AckDeadline } from '../consultations/parts.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { RequestActionPanel } from '../requests/detail-actions.js';
import '../requests/request-detail.css';
import {
  CustodySection,
  DecisionDeadline,
  DecisionPanel,
  type Names,
  PreservationClock,
  type RequestDetail,
  RequestFormView,
  readForm,
  requestEventExtra,
} from '../requests/detail-parts.js';
import { RequestStatusBadge } from '../requests/parts.js';
import { useNow } from '../use-now.js';

const r = t.requestDetail;

const back = () => ({ href: '/requests', label: r.backToList });

const timelineWords = () => ({ events: r.events, outcomes: r.outcomes, notApplied: r.notApplied });

/**
 * One cooperation request, for the officer of either state: what was asked and on what basis,
 * the decision, the preservation clock, the chain of custody of what came back, every signed step,
 * and the steps the officer can take now.
 */
export function RequestPage({ id }: { id: string }) {
  const { loaded, names, timelineHeading, onStep } = useCasePage(() => call('getRequest', { id }), [id]);
  const now = useNow();

  if (loaded.result.status !== 'ready') {
    return <PageLoading title={r.title} result={loaded.result} back={back()} />;
  }
  const c = loaded.result.data;
  const sent = c.status !== 'draft';
  return (
    <Page title={c.title || r.untitled} titleDir="auto">
      <CaseBanner tlp={c.tlp} reloadError={loaded.reloadError} stale={r.stale} />
      <Header c={c} names={names} now={now} />
      {c.preserveUntil ? <PreservationClock preserveUntil={c.preserveUntil} preservation={c.preservation} side={c.side} now={now} /> : null}
      {!sent ? (
        <DraftNotice c={c} />
      ) : c.awaiting && c.status !== 'closed' ? (
        <p className="alert alert-info">{c.awaiting === c.side ? r.awaitingYou : r.awaitingThem}</p>
      ) : null}
      {sent ? <DecisionPanel c={c} /> : null}
      <RequestFormView c={c} names={names} />
      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">{r.evidenceTitle}</h2>
        <CaseEvidenceList items={c.evidence} />
      </section>
      {sent ? (
        <>
          <CustodySection c={c} />
          <CaseTimeline events={c.events} side={c.side} headingRef={timelineHeading} words={timelineWords()} extra={requestEventExtra(c)} className="consultation-timeline request-timeline" />
          <RequestActionPanel c={c} onDone={onStep} />
          <CaseIntegrity integrity={c.integrity} />
          <CaseExports api={`/api/v1/requests/${encodeURIComponent(c.id)}`} words={r} jsonHint={r.exportJsonHint} />
        </>
      ) : null}
      <BackLink {...back()} />
    </Page>
  );
}

function Header({ c, names, now }: { c: RequestDetail; names: Names; now: number }) {
  const h = r.header;
  const reference = readForm(c.form).reference;
  const state = (code: string | null, ours: boolean) =>
    code ? (
      <>
        <StateLabel code={code} name={names.get(code)} />
        {ours ? <span className="muted"> {h.thisState}</span> : null}
      </>
    ) : (
      t.common.none
    );
  return (
    <dl className="facts request-facts" aria-label={h.label}>
      <div className="fact-wide">
        <dt>{h.kind}</dt>
        <dd>
          <strong className="request-kind">{r.kinds[c.kind] ?? c.kind}</strong>
        </dd>
      </div>
      <div>
        <dt>{h.status}</dt>
        <dd>
          <RequestStatusBadge status={c.status} outcome={c.outcome} decision={c.decision} side={c.side} />
        </dd>
      </div>
      <div>
        <dt>{h.requesting}</dt>
        <dd>{state(c.raiser, c.side === 'raiser')}</dd>
      </div>
      <div>
        <dt>{h.requested}</dt>
        <dd>{state(c.recipient, c.side === 'recipient')}</dd>
      </div>
      <div>
        <dt>{h.reference}</dt>
        <dd className={reference ? 'break' : 'muted'} dir="auto">
          {reference || h.noReference}
        </dd>
      </div>
      <div>
        <dt>{h.urgency}</dt>
        <dd>
          <span className={`badge badge-urgency badge-urgency-${c.urgency}`}>{r.urgencies[c.urgency] ?? c.urgency}</span>
        </dd>
      </div>
      {c.status !== 'draft' ? (
        <>
          <div>
            <dt>{h.raisedBy}</dt>
            <dd dir="auto">{c.raisedBy}</dd>
          </div>
          <div>
            <dt>{h.sentAt}</dt>
            <dd>{formatTime(c.sentAt)}</dd>
          </div>
          <div>
            <dt>{h.ack}</dt>
            <dd>
              <AckDeadline c={c} now={now} />
            </dd>
          </div>
          {c.kind !== 'spontaneous' ? (
            <div>
              <dt>{h.decision}</dt>
              <dd>
                <DecisionDeadline c={c} now={now} />
              </dd>
            </div>
          ) : null}
        </>
      ) : null}
    </dl>
  );
}

/** A draft on this node: what it still lacks before it can be sent, and the way to the form. */
function DraftNotice({ c }: { c: RequestDetail }) {
  return (
    <section className="panel panel-highlight" aria-labelledby="draft-title">
      <h2 id="draft-title">{r.draft.title}</h2>
      <p>{r.draft.notice}</p>
      {c.missing.length ? (
        <div className="alert alert-warning" role="note">
          <p className="alert-title">{r.draft.missingTitle}</p>
          <ul>
            {c.missing.map((m) => (
              <li key={m.field}>{m.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {c.warnings.length ? (
        <div className="alert alert-info" role="note">
          <p className="alert-title">{r.draft.warningsTitle}</p>
          <ul>
            {c.warnings.map((m) => (
              <li key={m.field}>{m.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        <Link href={`/requests/${encodeURIComponent(c.id)}/edit`} className="button button-secondary">
          {t.drafts.edit}
        </Link>
      </p>
    </section>
  );
}
