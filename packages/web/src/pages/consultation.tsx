import type { ConsultationDetail, Evidence } from '@parley/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, call } from '../api/client.js';
import { ErrorFor, ErrorSummary, type FieldRef } from '../components/alerts.js';
import { BackLink, CaseBanner, CaseExports, PageLoading, useCasePage } from '../components/case-page.js';
import { CaseEvidenceList, CaseIntegrity, CaseTimeline } from '../components/case-timeline.js';
import { EvidenceUpload } from '../components/evidence-upload.js';
import { RadioGroup } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { IndicatorTable } from '../consultations/indicator-editor.js';
import { AckDeadline, ConfirmStep, ResponseDeadline, StatusBadge, TextAreaField, UrgencyBadge, joinStates, urgencyHint } from '../consultations/parts.js';
import { attributionReplies, outcomes } from '../consultations/values.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { may } from '../permissions.js';
import { useUser } from '../session.js';
import { useNow } from '../use-now.js';

const k = t.consultations;
const d = k.detail;

const back = () => ({ href: '/consultations', label: k.backToList });

type Names = Map<string, string>;

interface Attribution {
  to: { kind: 'state'; state: string } | { kind: 'group'; name: string } | { kind: 'unknown' };
  basis: string[];
  confidence: string;
  evidence: string[];
  statement: string;
}

export function ConsultationPage({ id }: { id: string }) {
  const { loaded, names, timelineHeading, onStep } = useCasePage(() => call('getConsultation', { id }), [id]);

  if (loaded.result.status !== 'ready') {
    return <PageLoading title={k.title} result={loaded.result} back={back()} />;
  }
  const c = loaded.result.data;
  return (
    <Page title={c.title || k.untitled} titleDir="auto">
      <CaseBanner tlp={c.tlp} reloadError={loaded.reloadError} stale={d.stale} />
      <Header c={c} names={names} />
      {c.status === 'draft' ? (
        <DraftPanel c={c} onSent={loaded.set} />
      ) : c.awaiting ? (
        <p className="alert alert-info">{c.awaiting === c.side ? d.awaitingYou : d.awaitingThem}</p>
      ) : null}
      <Details c={c} />
      <section aria-labelledby="indicators-title">
        <h2 id="indicators-title">{d.indicatorsTitle}</h2>
        {c.indicators.length ? <IndicatorTable indicators={c.indicators} caption={d.indicatorsTitle} /> : <p>{d.noIndicators}</p>}
        {c.indicators.length && c.status !== 'draft' ? (
          <p>
            <a href={`/api/v1/consultations/${encodeURIComponent(c.id)}/stix`} download>
              {d.exportStix}
            </a>
          </p>
        ) : null}
      </section>
      <AttributionSection c={c} />
      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">{d.evidenceTitle}</h2>
        <CaseEvidenceList items={c.evidence} />
      </section>
      {c.status !== 'draft' ? (
        <>
          <CaseTimeline events={c.events} side={c.side} headingRef={timelineHeading} />
          <ActionPanel c={c} onDone={onStep} />
          <CaseIntegrity integrity={c.integrity} />
          <CaseExports api={`/api/v1/consultations/${encodeURIComponent(c.id)}`} words={d} />
        </>
      ) : null}
      <BackLink {...back()} />
    </Page>
  );
}

function Header({ c, names }: { c: ConsultationDetail; names: Names }) {
  const now = useNow();
  const counterpartLabel = c.status === 'draft' ? d.draftTo : c.side === 'recipient' ? d.receivedFrom : d.raisedWith;
  return (
    <dl className="facts consultation-facts">
      <div>
        <dt>{d.status}</dt>
        <dd>
          <StatusBadge status={c.status} outcome={c.outcome} side={c.side} />
        </dd>
      </div>
      <div>
        <dt>{counterpartLabel}</dt>
        <dd>
          {c.counterpart ? (
            <StateLabel code={c.counterpart} name={names.get(c.counterpart)} />
          ) : (
            c.addressees.map((a, i) => (
              <span key={a}>
                {i > 0 ? ', ' : null}
                <StateLabel code={a} name={names.get(a)} />
              </span>
            ))
          )}
        </dd>
      </div>
      <div>
        <dt>{d.raisedBy}</dt>
        <dd>{k.who(c.raiser, c.raisedBy)}</dd>
      </div>
      <div>
        <dt>{d.urgency}</dt>
        <dd>
          <UrgencyBadge urgency={c.urgency} /> <span className="muted">{urgencyHint(c.urgency, c.side)}</span>
        </dd>
      </div>
      <div>
        <dt>{d.severity}</dt>
        <dd>{k.severities[c.severity] ?? c.severity}</dd>
      </div>
      {c.status !== 'draft' ? (
        <>
          <div>
            <dt>{d.ack}</dt>
            <dd>
              <AckDeadline c={c} now={now} />
            </dd>
          </div>
          <div>
            <dt>{d.response}</dt>
            <dd>
              <ResponseDeadline c={c} now={now} />
            </dd>
          </div>
          <div>
            <dt>{d.sentAt}</dt>
            <dd>{formatTime(c.sentAt)}</dd>
          </div>
        </>
      ) : null}
      {c.addressees.length > 1 && c.status !== 'draft' ? (
        <div>
          <dt>{d.addressees}</dt>
          <dd>{joinStates(c.addressees)}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function Details({ c }: { c: ConsultationDetail }) {
  // formatTime calls a missing time "never", which is wrong for an activity whose end is not known.
  const bound = (iso: string | null) => (iso ? formatTime(iso) : d.periodBoundUnknown);
  const period = c.periodStart || c.periodEnd ? d.periodRange(bound(c.periodStart), bound(c.periodEnd)) : d.periodUnknown;
  return (
    <section aria-labelledby="details-title">
      <h2 id="details-title">{d.detailsTitle}</h2>
      <h3>{d.summary}</h3>
      {c.summary ? (
        <p className="prewrap consultation-text" dir="auto">
          {c.summary}
        </p>
      ) : (
        <p className="muted">{d.nothing}</p>
      )}
      <dl className="facts">
        <div>
          <dt>{d.kind}</dt>
          <dd>{k.kinds[c.communicationKind] ?? c.communicationKind}</dd>
        </div>
        <div>
          <dt>{d.period}</dt>
          <dd>{period}</dd>
        </div>
        <div>
          <dt>{d.sectors}</dt>
          <dd>{c.sectors.length ? c.sectors.map((s) => k.sectors[s] ?? s).join(', ') : d.nothing}</dd>
        </div>
        <div>
          <dt>{d.norms}</dt>
          <dd>
            {c.norms.length
              ? c.norms.map((n, i) => (
                  <span key={n}>
                    {i > 0 ? ', ' : null}
                    <Link href={`/norms/entries/${encodeURIComponent(n)}`}>{n}</Link>
                  </span>
                ))
              : d.nothing}
          </dd>
        </div>
        <div className="fact-wide">
          <dt>{d.actionsRequested}</dt>
          <dd className="prewrap" dir="auto">
            {c.actionsRequested || d.nothing}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function AttributionSection({ c }: { c: ConsultationDetail }) {
  const a = c.attribution as Attribution | null;
  const evidenceName = (sha: string) => c.evidence.find((e) => e.sha256 === sha)?.name ?? `${sha.slice(0, 12)}…`;
  return (
    <section aria-labelledby="attribution-title">
      <h2 id="attribution-title">{d.attributionTitle}</h2>
      {!a ? (
        <p>{k.attribution.none}</p>
      ) : (
        <>
          <h3>{k.attribution.claimTitle}</h3>
          <dl className="facts">
            <div>
              <dt>{k.attribution.to}</dt>
              <dd>
                {a.to.kind === 'state' ? k.attribution.toState(a.to.state) : a.to.kind === 'group' ? k.attribution.toGroup(a.to.name) : k.attribution.toUnknown}
              </dd>
            </div>
            <div>
              <dt>{k.attribution.basis}</dt>
              <dd>{a.basis.map((b) => k.bases[b] ?? b).join(', ')}</dd>
            </div>
            <div>
              <dt>{k.attribution.confidence}</dt>
              <dd>{k.confidences[a.confidence] ?? a.confidence}</dd>
            </div>
            {a.evidence.length ? (
              <div>
                <dt>{k.attribution.evidence}</dt>
                <dd>
                  {a.evidence.map((sha, i) => (
                    <span key={sha}>
                      {i > 0 ? ', ' : null}
                      <span dir="auto">{evidenceName(sha)}</span>
                    </span>
                  ))}
                </dd>
              </div>
            ) : null}
            {a.statement ? (
              <div className="fact-wide">
                <dt>{k.attribution.statement}</dt>
                <dd className="prewrap" dir="auto">
                  {a.statement}
                </dd>
              </div>
            ) : null}
          </dl>
          <h3>{k.attribution.replyTitle}</h3>
          {c.attributionReply ? (
            <dl className="facts">
              <div>
                <dt>{c.recipient ?? ''}</dt>
                <dd>{k.replies[c.attributionReply.position] ?? c.attributionReply.position}</dd>
              </div>
              {c.attributionReply.reasons ? (
                <div className="fact-wide">
                  <dt>{k.attribution.reasons}</dt>
                  <dd className="prewrap" dir="auto">
                    {c.attributionReply.reasons}
                  </dd>
                </div>
              ) : null}
            </dl>
          ) : (
            <p>{k.attribution.noReply}</p>
          )}
        </>
      )}
    </section>
  );
}

function DraftPanel({ c, onSent }: { c: ConsultationDetail; onSent: (c: ConsultationDetail) => void }) {
  const user = useUser();
  const flash = useFlash();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!may(user.role, 'consultations.write')) return <p className="alert alert-info">{d.draftNotice}</p>;
  const act = async (what: 'send' | 'delete') => {
    setBusy(true);
    setError(null);
    try {
      if (what === 'send') {
        const sent = await call('sendConsultation', { id: c.id });
        onSent(sent);
        flash(k.sent(joinStates(sent.addressees)));
      } else {
        await call('deleteConsultationDraft', { id: c.id });
        flash(t.drafts.deleted(c.title), '/consultations');
        navigate('/consultations?box=drafts');
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel panel-highlight" aria-labelledby="draft-title">
      <h2 id="draft-title">{k.statuses.draft}</h2>
      <p>{d.draftNotice}</p>
      {error ? <ErrorFor error={error} /> : null}
      <div className="actions">
        <Link href={`/consultations/${c.id}/edit`} className="button button-secondary">
          {t.drafts.edit}
        </Link>
        <ConfirmStep
          label={t.drafts.send}
          groupLabel={t.drafts.sendGroup}
          question={k.sendQuestion(joinStates(c.addressees), `TLP:${c.tlp}`)}
          confirmLabel={t.drafts.sendNow}
          busyLabel={t.drafts.sending}
          busy={busy}
          onConfirm={() => void act('send')}
        />
        <ConfirmStep label={t.drafts.deleteDraft} question={t.drafts.deleteQuestion(c.title)} confirmLabel={t.drafts.deleteYes} busy={busy} danger onConfirm={() => void act('delete')} />
      </div>
    </section>
  );
}

const closingOutcomes = outcomes.filter((o) => o !== 'withdrawn');
type Action = 'acknowledge' | 'start' | 'respond' | 'request_info' | 'message' | 'reply_attribution' | 'close' | 'withdraw';
const actionOrder: Action[] = ['acknowledge', 'start', 'respond', 'request_info', 'message', 'reply_attribution', 'close', 'withdraw'];

function ActionPanel({ c, onDone }: { c: ConsultationDetail; onDone: (c: ConsultationDetail) => void }) {
  const user = useUser();
  const flash = useFlash();
  const [open, setOpen] = useState<Action | null>(null);
  const allowed = actionOrder.filter((a) => c.allowedActions.includes(a));
  // A step the other state took may make the open form moot (a withdrawal, say).
  useEffect(() => {
    if (open && !c.allowedActions.includes(open)) setOpen(null);
  }, [c.allowedActions, open]);
  const canWrite = may(user.role, 'consultations.write');
  return (
    <section className={`panel${allowed.length && canWrite ? ' panel-highlight' : ''}`} aria-labelledby="actions-title">
      <h2 id="actions-title">{k.actions.title}</h2>
      {!canWrite ? (
        <p>{k.actions.cannotWrite}</p>
      ) : allowed.length === 0 ? (
        <p>{c.status === 'closed' ? k.actions.noneClosed : k.actions.none}</p>
      ) : (
        <>
          <ul className="action-choices">
            {allowed.map((a) => (
              <li key={a}>
                <button
                  type="button"
                  className={`button${open === a ? '' : ' button-secondary'}${a === 'withdraw' ? ' button-warning' : ''}`}
                  aria-expanded={open === a}
                  aria-controls={open === a ? 'step-form' : undefined}
                  onClick={() => setOpen(open === a ? null : a)}
                >
                  {k.actions.labels[a]}
                </button>
              </li>
            ))}
          </ul>
          {open ? (
            <StepForm
              key={open}
              c={c}
              action={open}
              onCancel={() => setOpen(null)}
              onDone={(next) => {
                setOpen(null);
                flash(k.actions.done[open] ?? '');
                onDone(next);
              }}
            />
          ) : null}
        </>
      )}
    </section>
  );
}

const stepFields = (): FieldRef[] => [
  { path: 'text', id: 'step-text', label: k.actions.text },
  { path: 'outcome', id: 'step-outcome', label: k.actions.outcome },
  { path: 'attributionReply', id: 'step-position', label: k.actions.position },
  { path: 'evidence', id: 'step-evidence', label: k.fields.evidence },
];

function StepForm({ c, action, onCancel, onDone }: { c: ConsultationDetail; action: Action; onCancel: () => void; onDone: (c: ConsultationDetail) => void }) {
  const [text, setText] = useState('');
  // No outcome is chosen for the officer: closing says what happened, so they pick it.
  const [outcome, setOutcome] = useState<(typeof closingOutcomes)[number] | null>(null);
  // Nor a position on an attribution: the reply is the state's signed word on it.
  const [position, setPosition] = useState<(typeof attributionReplies)[number] | null>(null);
  const [reasons, setReasons] = useState('');
  const [files, setFiles] = useState<Evidence[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await call('consultationStep', {
        id: c.id,
        body: {
          action,
          text,
          evidence: files.map((f) => f.id),
          outcome: action === 'close' ? outcome : null,
          attributionReply: action === 'reply_attribution' && position ? { position, reasons } : null,
        },
      });
      onDone(next);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (action === 'reply_attribution' && !position) {
      setError(new ApiError(0, 'validation_failed', t.common.checkFields, [{ path: 'attributionReply.position', message: k.actions.positionRequired }]));
      return;
    }
    if (action !== 'withdraw' && action !== 'close') void send();
  };
  /** Closing is asked about once an outcome is chosen; without one the field says so. */
  const outcomeChosen = () => {
    if (outcome) return true;
    setError(new ApiError(0, 'validation_failed', t.common.checkFields, [{ path: 'outcome', message: k.actions.outcomeRequired }]));
    return false;
  };
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  const textLabel = action === 'respond' ? k.actions.responseText : action === 'request_info' ? k.actions.requestText : k.actions.textOptional;
  const textOptional = !(action === 'respond' || action === 'request_info' || action === 'message');

  return (
    <form id="step-form" className="form step-form" onSubmit={submit} noValidate aria-labelledby="step-form-title">
      <h3 id="step-form-title" tabIndex={-1} ref={heading}>
        {k.actions.labels[action]}
      </h3>
      <p className="hint">{k.actions.help[action]}</p>
      <ErrorSummary error={error} fields={stepFields()} />
      {action === 'close' ? (
        <RadioGroup
          id="step-outcome"
          legend={k.actions.outcome}
          options={closingOutcomes.map((o) => ({ value: o, label: k.outcomes[o] ?? o, hint: k.actions.outcomeHelp[o] ?? '' }))}
          value={outcome}
          onChange={setOutcome}
          errors={errorsFor('outcome')}
        />
      ) : null}
      {action === 'reply_attribution' ? (
        <>
          <RadioGroup
            id="step-position"
            legend={k.actions.position}
            options={attributionReplies.map((p) => ({ value: p, label: k.replyChoices[p] ?? p }))}
            value={position}
            onChange={setPosition}
            errors={errorsFor('attributionReply.position')}
          />
          <TextAreaField
            id="step-reasons"
            label={k.actions.reasons}
            hint={k.actions.reasonsHint}
            optional={position !== 'disputes'}
            maxChars={limits.consultation.attributionReasons}
            value={reasons}
            onChange={setReasons}
            errors={errorsFor('attributionReply.reasons')}
          />
        </>
      ) : null}
      <TextAreaField id="step-text" label={textLabel} optional={textOptional} maxChars={limits.consultation.message} value={text} onChange={setText} errors={errorsFor('text')} />
      {action === 'message' || action === 'request_info' || action === 'respond' ? (
        <div id="step-evidence" tabIndex={-1}>
          <p className="hint">{k.evidence.stepHint}</p>
          {errorsFor('evidence')?.length ? <p className="field-message">{errorsFor('evidence')!.join(' ')}</p> : null}
          <EvidenceUpload caseId={c.id} disabled={busy} onUploaded={(e) => setFiles((fs) => (fs.some((f) => f.id === e.id) ? fs : [...fs, e]))} />
        </div>
      ) : null}
      <div className="actions">
        {action === 'withdraw' ? (
          <ConfirmStep label={k.actions.submit.withdraw ?? ''} question={k.actions.withdrawQuestion} confirmLabel={k.actions.withdrawYes} busy={busy} danger onConfirm={() => void send()} />
        ) : action === 'close' ? (
          <ConfirmStep
            label={k.actions.submit.close ?? ''}
            groupLabel={k.actions.closeGroup}
            question={k.actions.closeQuestion(outcome ? (k.outcomes[outcome] ?? outcome) : '')}
            confirmLabel={k.actions.closeYes}
            busyLabel={k.actions.busy}
            busy={busy}
            check={outcomeChosen}
            onConfirm={() => void send()}
          />
        ) : (
          <button type="submit" className="button" disabled={busy}>
            {busy ? k.actions.busy : k.actions.submit[action]}
          </button>
        )}
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t.common.cancel}
        </button>
      </div>
    </form>
  );
}

