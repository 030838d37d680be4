import type { Evidence } from '@parley/core';
import { useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { ApiError, call, describeError, type BodyOf } from '../api/client.js';
import { useTakeFocus } from '../components/alerts.js';
import { EvidenceUpload } from '../components/evidence-upload.js';
import { RadioGroup, SelectField, TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { CheckboxGroup, ConfirmStep, TextAreaField, fromLocalInput, toLocalInput } from '../consultations/parts.js';
import { formatDate, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { may } from '../permissions.js';
import { useUser } from '../session.js';
import {
  type CustodyAction,
  type DecisionKind,
  type RefusalGround,
  type RequestDetail,
  custodyActions,
  dateInput,
  decisionKinds,
  endOfDay,
  refusalGrounds,
  sameTimeOn,
} from './detail-parts.js';

/*
 * The steps an officer can take on a request, driven by the node's `allowedActions`. Each step's
 * form stays mounted (hidden) while the officer looks at another one, so that nothing typed is
 * lost when, say, they leave a refusal to consult the requesting state first.
 */

const r = t.requestDetail;
const a = r.actions;

type Action = 'acknowledge' | 'request_info' | 'message' | 'consult' | 'decide' | 'return_evidence' | 'request_extension' | 'extend' | 'close' | 'withdraw';
const actionOrder: Action[] = ['acknowledge', 'decide', 'consult', 'request_info', 'message', 'return_evidence', 'request_extension', 'extend', 'close', 'withdraw'];

const PRESERVATION_MIN_DAYS = 60;

export function RequestActionPanel({ c, onDone }: { c: RequestDetail; onDone: (c: RequestDetail) => void }) {
  const user = useUser();
  const flash = useFlash();
  const [open, setOpen] = useState<Action | null>(null);
  const [mounted, setMounted] = useState<Action[]>([]);
  const allowed = actionOrder.filter((x) => c.allowedActions.includes(x));
  // A step the other state took may make a form moot (a withdrawal, say).
  const allowedKey = c.allowedActions.join(',');
  useEffect(() => {
    const still = (x: Action) => allowedKey.split(',').includes(x);
    setMounted((m) => (m.every(still) ? m : m.filter(still)));
    setOpen((o) => (o && !still(o) ? null : o));
  }, [allowedKey]);
  const show = (x: Action | null) => {
    setOpen(x);
    if (x) setMounted((m) => (m.includes(x) ? m : [...m, x]));
  };
  const canWrite = may(user.role, 'requests.write');
  return (
    <section className={`panel${allowed.length && canWrite ? ' panel-highlight' : ''}`} aria-labelledby="actions-title">
      <h2 id="actions-title">{a.title}</h2>
      {!canWrite ? (
        <p>{a.cannotWrite}</p>
      ) : allowed.length === 0 ? (
        <p>{c.status === 'closed' ? a.noneClosed : a.none}</p>
      ) : (
        <>
          <ul className="action-choices">
            {allowed.map((x) => (
              <li key={x}>
                <button
                  type="button"
                  className={`button${open === x ? '' : ' button-secondary'}${x === 'withdraw' ? ' button-warning' : ''}`}
                  aria-expanded={open === x}
                  aria-controls={mounted.includes(x) ? `step-form-${x}` : undefined}
                  onClick={() => show(open === x ? null : x)}
                >
                  {a.labels[x]}
                </button>
              </li>
            ))}
          </ul>
          {mounted.map((x) => (
            <StepForm
              key={x}
              c={c}
              action={x}
              visible={open === x}
              onOpen={show}
              onCancel={() => {
                setOpen(null);
                setMounted((m) => m.filter((y) => y !== x));
              }}
              onDone={(next) => {
                setOpen(null);
                setMounted((m) => m.filter((y) => y !== x));
                flash(a.done[x] ?? '');
                onDone(next);
              }}
            />
          ))}
        </>
      )}
    </section>
  );
}

interface LinkDraft {
  action: CustodyAction;
  by: string;
  organisation: string;
  at: string; // datetime-local
  note: string;
}

const newLink = (by: string, action: CustodyAction = 'collected'): LinkDraft => ({ action, by, organisation: '', at: toLocalInput(new Date().toISOString()), note: '' });

/** A field the summary can link to: the node's path for it, the element's id and its label. */
interface Target {
  path: string;
  id: string;
  label: string;
}

function StepForm({
  c,
  action,
  visible,
  onOpen,
  onCancel,
  onDone,
}: {
  c: RequestDetail;
  action: Action;
  visible: boolean;
  onOpen: (a: Action) => void;
  onCancel: () => void;
  onDone: (c: RequestDetail) => void;
}) {
  const user = useUser();
  const id = (name: string) => `${action}-${name}`;
  const [now] = useState(() => Date.now());
  const [text, setText] = useState('');
  // No choice until the officer makes one: a decision is signed and sent to the other state, and cannot be taken back.
  const [decision, setDecision] = useState<DecisionKind | null>(null);
  const [grounds, setGrounds] = useState<RefusalGround[]>([]);
  const [refuseReasons, setRefuseReasons] = useState('');
  const [notExecuted, setNotExecuted] = useState('');
  const [conditions, setConditions] = useState('');
  const [postponeReason, setPostponeReason] = useState('');
  const [postponeUntil, setPostponeUntil] = useState('');
  const minPreserved = dateInput(now, PRESERVATION_MIN_DAYS);
  const [preservedUntil, setPreservedUntil] = useState(minPreserved);
  const current = c.preserveUntil ? new Date(c.preserveUntil).getTime() : now;
  const minExtend = dateInput(Math.max(current, now), 1);
  const [extendUntil, setExtendUntil] = useState(() => dateInput(Math.max(current, now), PRESERVATION_MIN_DAYS));
  const [files, setFiles] = useState<Evidence[]>([]);
  const [custody, setCustody] = useState<Record<string, LinkDraft[]>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (visible) heading.current?.focus();
  }, [visible]);

  const withFiles = action === 'message' || action === 'request_info' || action === 'decide' || action === 'return_evidence';
  const withCustody = action === 'decide' || action === 'return_evidence';
  const isExecute = decision === 'execute' || decision === 'execute_in_part' || decision === 'execute_under_conditions';
  const needsConsultation = action === 'decide' && (decision === 'refuse' || decision === 'postpone') && !c.consultedAt && c.kind !== 'emergency';

  const reasonsFor = (d: DecisionKind) => (d === 'refuse' ? refuseReasons : d === 'execute_in_part' ? notExecuted : d === 'postpone' ? postponeReason : '');
  // Kept at the first day allowed, the node counts the 60 days itself from the moment it records the decision.
  const untilFor = (d: DecisionKind) =>
    d === 'postpone' ? endOfDay(postponeUntil) : c.kind === 'preservation' && isExecute && preservedUntil !== minPreserved ? sameTimeOn(preservedUntil) : null;

  const body = (): BodyOf<'requestStep'> => ({
    action,
    text,
    decision:
      action === 'decide' && decision
        ? {
            decision,
            grounds: decision === 'refuse' ? grounds : [],
            reasons: reasonsFor(decision),
            conditions: decision === 'execute_under_conditions' ? conditions : '',
            until: untilFor(decision),
          }
        : null,
    until: action === 'extend' ? sameTimeOn(extendUntil) : null,
    outcome: action === 'close' ? 'completed' : null,
    evidence: withFiles ? files.map((f) => f.id) : [],
    custody: withCustody
      ? files.map((f) => ({
          evidence: f.id,
          entries: (custody[f.id] ?? []).map((l) => ({ action: l.action, by: l.by, organisation: l.organisation, at: fromLocalInput(l.at) ?? l.at, note: l.note })),
        }))
      : [],
  });

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await call('requestStep', { id: c.id, body: body() }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (action === 'decide' && !decision) {
      setError(new ApiError(0, 'validation_failed', t.common.checkFields, [{ path: 'decision.decision', message: a.decisionRequired }]));
      return;
    }
    if (action !== 'withdraw') void send();
  };
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);

  // Where each of the node's field paths is on this form, for the links of the error summary.
  const targets: Target[] = [
    { path: 'decision.decision', id: id('decision'), label: a.decisionLegend },
    { path: 'decision.grounds', id: id('grounds'), label: a.grounds },
    { path: 'decision.reasons', id: id(decision === 'refuse' ? 'refuse-reasons' : decision === 'postpone' ? 'postpone-reason' : 'not-executed'), label: decision === 'refuse' ? a.refuseReasons : decision === 'postpone' ? a.postponeReason : a.notExecuted },
    { path: 'decision.conditions', id: id('conditions'), label: a.conditions },
    { path: 'decision.until', id: id(decision === 'postpone' ? 'postpone-until' : 'preserved-until'), label: decision === 'postpone' ? a.postponeUntil : a.preservedUntil },
    { path: 'until', id: id('extend-until'), label: a.extendUntil },
    { path: 'text', id: id('text'), label: a.textFor[action] ?? a.textOptional },
    { path: 'evidence', id: id('files'), label: a.filesLegend },
    ...files.flatMap((f, i) => [
      ...(custody[f.id] ?? []).flatMap((_, j) => [
        { path: `custody.${i}.entries.${j}.action`, id: id(`custody-${i}-${j}-action`), label: `${a.custodyLegend(f.name)}, ${a.custodyLink(j + 1)}: ${a.custodyAction}` },
        { path: `custody.${i}.entries.${j}.by`, id: id(`custody-${i}-${j}-by`), label: `${a.custodyLegend(f.name)}, ${a.custodyLink(j + 1)}: ${a.custodyBy}` },
        { path: `custody.${i}.entries.${j}.organisation`, id: id(`custody-${i}-${j}-organisation`), label: `${a.custodyLegend(f.name)}, ${a.custodyLink(j + 1)}: ${a.custodyOrganisation}` },
        { path: `custody.${i}.entries.${j}.at`, id: id(`custody-${i}-${j}-at`), label: `${a.custodyLegend(f.name)}, ${a.custodyLink(j + 1)}: ${a.custodyAt}` },
        { path: `custody.${i}.entries.${j}.note`, id: id(`custody-${i}-${j}-note`), label: `${a.custodyLegend(f.name)}, ${a.custodyLink(j + 1)}: ${a.custodyNote}` },
      ]),
      { path: `custody.${i}`, id: id(`custody-${i}`), label: a.custodyLegend(f.name) },
    ]),
    { path: 'custody', id: id('files'), label: r.custody.title },
  ];

  const textLabel = a.textFor[action] ?? (action === 'decide' ? a.decideText : a.textOptional);
  const textRequired = action === 'request_info' || action === 'consult' || action === 'request_extension';

  const setLinks = (evidenceId: string, update: (links: LinkDraft[]) => LinkDraft[]) => setCustody((all) => ({ ...all, [evidenceId]: update(all[evidenceId] ?? []) }));

  return (
    <form id={`step-form-${action}`} className="form step-form" onSubmit={submit} noValidate aria-labelledby={id('title')} hidden={!visible}>
      <h3 id={id('title')} tabIndex={-1} ref={heading}>
        {a.labels[action]}
      </h3>
      <p className="hint">{a.help[action]}</p>
      <StepErrorSummary error={error} targets={targets} onConsult={c.allowedActions.includes('consult') && !needsConsultation ? () => onOpen('consult') : undefined} />

      {action === 'decide' ? (
        <>
          <RadioGroup
            id={id('decision')}
            legend={a.decisionLegend}
            options={decisionKinds.map((d) => ({ value: d, label: a.decisionChoices[d] ?? d, hint: a.decisionHelp[d] ?? '' }))}
            value={decision}
            onChange={setDecision}
            errors={errorsFor('decision.decision')}
          />
          {needsConsultation ? (
            <div className="alert alert-warning consult-first" role="note" aria-labelledby={id('consult-first-title')}>
              <p className="alert-title" id={id('consult-first-title')}>
                {a.consultFirstTitle}
              </p>
              <p>{a.consultFirst}</p>
              {c.allowedActions.includes('consult') ? (
                <p>
                  <button type="button" className="button" onClick={() => onOpen('consult')}>
                    {a.consultFirstButton}
                  </button>
                </p>
              ) : null}
            </div>
          ) : null}
          {decision === 'refuse' ? (
            <div className="subform">
              <CheckboxGroup
                id={id('grounds')}
                legend={a.grounds}
                hint={a.groundsHint}
                options={refusalGrounds.map((g) => ({ value: g, label: r.grounds[g] ?? g }))}
                value={grounds}
                onChange={setGrounds}
                errors={errorsFor('decision.grounds')}
              />
              <TextAreaField id={id('refuse-reasons')} label={a.refuseReasons} hint={a.refuseReasonsHint} maxChars={limits.request.reasons} value={refuseReasons} onChange={setRefuseReasons} errors={errorsFor('decision.reasons')} />
            </div>
          ) : null}
          {decision === 'postpone' ? (
            <div className="subform">
              <TextAreaField id={id('postpone-reason')} label={a.postponeReason} maxChars={limits.request.reasons} value={postponeReason} onChange={setPostponeReason} errors={errorsFor('decision.reasons')} />
              <TextField
                id={id('postpone-until')}
                label={a.postponeUntil}
                hint={a.postponeUntilHint}
                type="date"
                min={dateInput(now)}
                value={postponeUntil}
                onChange={setPostponeUntil}
                errors={errorsFor('decision.until')}
              />
            </div>
          ) : null}
          {decision === 'execute_in_part' ? (
            <div className="subform">
              <TextAreaField id={id('not-executed')} label={a.notExecuted} maxChars={limits.request.reasons} value={notExecuted} onChange={setNotExecuted} errors={errorsFor('decision.reasons')} />
            </div>
          ) : null}
          {decision === 'execute_under_conditions' ? (
            <div className="subform">
              <TextAreaField id={id('conditions')} label={a.conditions} hint={a.conditionsHint} maxChars={limits.request.conditions} value={conditions} onChange={setConditions} errors={errorsFor('decision.conditions')} />
            </div>
          ) : null}
          {isExecute && c.kind === 'preservation' ? (
            <TextField
              id={id('preserved-until')}
              label={a.preservedUntil}
              hint={a.preservedUntilHint(formatDate(endOfDay(minPreserved)))}
              type="date"
              min={minPreserved}
              value={preservedUntil}
              onChange={setPreservedUntil}
              errors={errorsFor('decision.until')}
            />
          ) : null}
        </>
      ) : null}

      {action === 'extend' ? (
        <TextField
          id={id('extend-until')}
          label={a.extendUntil}
          hint={c.preserveUntil ? a.extendUntilHint(formatDate(c.preserveUntil)) : undefined}
          type="date"
          min={minExtend}
          value={extendUntil}
          onChange={setExtendUntil}
          errors={errorsFor('until')}
        />
      ) : null}

      <TextAreaField id={id('text')} label={textLabel} optional={!textRequired && action !== 'message'} maxChars={limits.request.message} value={text} onChange={setText} errors={errorsFor('text')} />

      {withFiles ? (
        <div id={id('files')} tabIndex={-1} className="step-files">
          <p className="hint">{a.evidenceHint}</p>
          {errorsFor('evidence')?.length ? <p className="field-message">{errorsFor('evidence')!.join(' ')}</p> : null}
          {withCustody && errorsFor('custody')?.length && !files.length ? <p className="field-message">{errorsFor('custody')!.join(' ')}</p> : null}
          <EvidenceUpload
            caseId={c.id}
            disabled={busy}
            onUploaded={(e) => {
              setFiles((fs) => (fs.some((f) => f.id === e.id) ? fs : [...fs, e]));
              setCustody((all) => (all[e.id] ? all : { ...all, [e.id]: [newLink(user.displayName)] }));
            }}
          />
          {withCustody ? (
            files.length === 0 ? (
              <p className="muted">{action === 'return_evidence' ? a.needFiles : a.noFiles}</p>
            ) : (
              <div className="custody-editor">
                <p className="hint">{a.custodyHint}</p>
                {files.map((f, i) => (
                  <CustodyEditor
                    key={f.id}
                    idPrefix={id(`custody-${i}`)}
                    file={f}
                    links={custody[f.id] ?? []}
                    errorsFor={(path) => errorsFor(`custody.${i}${path ? `.${path}` : ''}`)}
                    onChange={(update) => setLinks(f.id, update)}
                    onAdd={() => setLinks(f.id, (ls) => [...ls, newLink(user.displayName, 'handled')])}
                    onRemoveFile={() => {
                      setFiles((fs) => fs.filter((x) => x.id !== f.id));
                      setCustody(({ [f.id]: _, ...rest }) => rest);
                    }}
                  />
                ))}
              </div>
            )
          ) : null}
        </div>
      ) : null}

      <div className="actions">
        {action === 'withdraw' ? (
          <ConfirmStep label={a.submit.withdraw ?? ''} groupLabel={a.withdrawGroup} question={a.withdrawQuestion} confirmLabel={a.withdrawYes} busy={busy} danger onConfirm={() => void send()} />
        ) : (
          <button type="submit" className="button" disabled={busy}>
            {busy ? a.busy : a.submit[action]}
          </button>
        )}
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t.common.cancel}
        </button>
      </div>
    </form>
  );
}

/** The chain of custody of one file before it is sent: links in order, each with who, where, when, what. */
function CustodyEditor({
  idPrefix,
  file,
  links,
  errorsFor,
  onChange,
  onAdd,
  onRemoveFile,
}: {
  idPrefix: string;
  file: Evidence;
  links: LinkDraft[];
  errorsFor: (path: string) => string[] | undefined;
  onChange: (update: (links: LinkDraft[]) => LinkDraft[]) => void;
  onAdd: () => void;
  onRemoveFile: () => void;
}) {
  const set = (j: number, patch: Partial<LinkDraft>) => onChange((ls) => ls.map((l, k) => (k === j ? { ...l, ...patch } : l)));
  const own = errorsFor('')?.filter(() => links.length === 0);
  return (
    <fieldset className="fieldset custody-file" id={idPrefix} tabIndex={-1}>
      <legend className="label">{a.custodyLegend(file.name)}</legend>
      <p className="muted small break">
        {r.custody.sha256} <code className="mono evidence-sha">{file.sha256}</code>
      </p>
      {own?.length ? <p className="field-message">{own.join(' ')}</p> : null}
      <ol className="custody-edit-links">
        {links.map((l, j) => {
          const p = `${idPrefix}-${j}`;
          return (
            <li key={j}>
              <fieldset className="fieldset custody-edit-link">
                <legend>{a.custodyLink(j + 1)}</legend>
                <SelectField
                  id={`${p}-action`}
                  label={a.custodyAction}
                  value={l.action}
                  options={custodyActions.map((x) => ({ value: x, label: r.custodyActions[x] ?? x }))}
                  onChange={(v) => set(j, { action: v })}
                  errors={errorsFor(`entries.${j}.action`)}
                />
                <TextField id={`${p}-by`} label={a.custodyBy} autoComplete="name" maxChars={limits.request.custodyBy} value={l.by} onChange={(v) => set(j, { by: v })} errors={errorsFor(`entries.${j}.by`)} />
                <TextField id={`${p}-organisation`} label={a.custodyOrganisation} maxChars={limits.request.custodyOrganisation} value={l.organisation} onChange={(v) => set(j, { organisation: v })} errors={errorsFor(`entries.${j}.organisation`)} />
                <TextField id={`${p}-at`} label={a.custodyAt} hint={a.custodyAtHint} type="datetime-local" value={l.at} onChange={(v) => set(j, { at: v })} errors={errorsFor(`entries.${j}.at`)} />
                <TextField id={`${p}-note`} label={a.custodyNote} optional maxChars={limits.request.custodyNote} value={l.note} onChange={(v) => set(j, { note: v })} errors={errorsFor(`entries.${j}.note`)} />
                {links.length > 1 ? (
                  <p>
                    <button type="button" className="button button-secondary button-small" onClick={() => onChange((ls) => ls.filter((_, k) => k !== j))}>
                      {a.removeLink(j + 1, file.name)}
                    </button>
                  </p>
                ) : null}
              </fieldset>
            </li>
          );
        })}
      </ol>
      <p className="actions">
        <button type="button" className="button button-secondary" onClick={onAdd}>
          {a.addLink(file.name)}
        </button>
        <button type="button" className="button button-secondary" onClick={onRemoveFile}>
          {a.removeFile(file.name)}
        </button>
      </p>
    </fieldset>
  );
}

// Focus the field without touching location.hash.
function jumpTo(e: MouseEvent<HTMLAnchorElement>) {
  const target = document.getElementById(e.currentTarget.getAttribute('href')?.slice(1) ?? '');
  if (!target) return;
  e.preventDefault();
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

/**
 * The node's answer to a refused step, above the form: its sentence, then each field message
 * linking to its field (nested paths such as custody.0.entries.1.by included). It takes focus.
 * When the node asks for a consultation first, it offers that step at once.
 */
function StepErrorSummary({ error, targets, onConsult }: { error: unknown; targets: readonly Target[]; onConsult: (() => void) | undefined }) {
  const ref = useRef<HTMLDivElement>(null);
  useTakeFocus(ref, error);
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  // The most precise target for each issue: the longest path that is the issue's path or above it.
  const targetOf = (path: string) =>
    targets.filter((x) => path === x.path || path.startsWith(`${x.path}.`)).sort((p, q) => q.path.length - p.path.length)[0];
  const code = error instanceof ApiError ? error.code : '';
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
      <p className="alert-title">{t.common.problemTitle}</p>
      <p>{describeError(error)}</p>
      {issues.length ? (
        <ul>
          {issues.map((i, n) => {
            const target = targetOf(i.path);
            return (
              <li key={n}>
                {target ? (
                  <a href={`#${target.id}`} onClick={jumpTo}>
                    {target.label}: {i.message}
                  </a>
                ) : (
                  i.message
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {code === 'consultation_required' && onConsult ? (
        <p>
          <button type="button" className="button" onClick={onConsult}>
            {a.consultFirstButton}
          </button>
        </p>
      ) : null}
    </div>
  );
}

