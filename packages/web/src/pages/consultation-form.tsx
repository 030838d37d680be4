import type { ConsultationDetail, Evidence, Peer, ResponseOf } from '@parley/core';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { ApiError, call, type BodyOf, type FieldIssue } from '../api/client.js';
import { ErrorSummary, type FieldRef, VersionConflict } from '../components/alerts.js';
import { PageLoading } from '../components/case-page.js';
import { AttachedEvidence, DraftActions, NoPeersWarning, NotADraft, TlpChoice } from '../components/draft-form.js';
import { CheckboxField, RadioGroup, TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { IndicatorEditor } from '../consultations/indicator-editor.js';
import { CheckboxGroup, TextAreaField, deadlinePassed, fromLocalInput, joinStates, toLocalInput } from '../consultations/parts.js';
import {
  attributionBases,
  communicationKinds,
  confidenceLevels,
  sectors,
  severities,
  tlpLevels,
  urgencies,
  type Indicator,
} from '../consultations/values.js';
import { messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { useLoad } from '../use-load.js';

const k = t.consultations;

type Sector = (typeof sectors)[number];
type Severity = (typeof severities)[number];
type Urgency = (typeof urgencies)[number];
type Kind = (typeof communicationKinds)[number];
type TlpLevel = (typeof tlpLevels)[number];
type Basis = (typeof attributionBases)[number];
type Confidence = (typeof confidenceLevels)[number];
type Catalogue = ResponseOf<'normCatalogue'>;
type Body = Exclude<BodyOf<'createConsultation'>, undefined>;

interface Draft {
  addressees: string[];
  title: string;
  summary: string;
  periodStart: string;
  periodEnd: string;
  sectors: Sector[];
  severity: Severity;
  urgency: Urgency;
  communicationKind: Kind;
  norms: string[];
  normsText: string;
  actionsRequested: string;
  responseRequestedBy: string;
  tlp: TlpLevel;
  indicators: Indicator[];
  attributionOn: boolean;
  attributionTo: 'state' | 'group' | 'unknown';
  attributionState: string;
  attributionGroup: string;
  attributionBasis: Basis[];
  attributionConfidence: Confidence;
  attributionStatement: string;
  /** SHA-256 of the attached files the attribution rests on. */
  attributionEvidence: string[];
  evidence: string[];
}

interface StoredAttribution {
  to: { kind: 'state'; state: string } | { kind: 'group'; name: string } | { kind: 'unknown' };
  basis: Basis[];
  confidence: Confidence;
  statement: string;
  evidence: string[];
}

function draftOf(c?: ConsultationDetail): Draft {
  const a = (c?.attribution ?? null) as StoredAttribution | null;
  return {
    addressees: c ? [...c.addressees] : [],
    title: c?.title ?? '',
    summary: c?.summary ?? '',
    periodStart: toLocalInput(c?.periodStart ?? null),
    periodEnd: toLocalInput(c?.periodEnd ?? null),
    sectors: (c?.sectors ?? []) as Sector[],
    severity: (c?.severity as Severity | undefined) ?? 'moderate',
    urgency: (c?.urgency as Urgency | undefined) ?? 'routine',
    communicationKind: (c?.communicationKind as Kind | undefined) ?? 'notification',
    norms: c ? [...c.norms] : [],
    normsText: c ? c.norms.join(' ') : '',
    actionsRequested: c?.actionsRequested ?? '',
    responseRequestedBy: toLocalInput(c?.responseRequestedBy ?? null),
    tlp: c?.tlp ?? 'AMBER',
    indicators: (c?.indicators ?? []) as Indicator[],
    attributionOn: a !== null,
    attributionTo: a?.to.kind ?? 'unknown',
    attributionState: a?.to.kind === 'state' ? a.to.state : '',
    attributionGroup: a?.to.kind === 'group' ? a.to.name : '',
    attributionBasis: a?.basis ?? [],
    attributionConfidence: a?.confidence ?? 'moderate',
    attributionStatement: a?.statement ?? '',
    attributionEvidence: a?.evidence ?? [],
    evidence: c ? [...c.draftEvidence] : [],
  };
}

const fieldRefs = (): FieldRef[] => [
  { path: 'addressees', id: 'consultation-addressees', label: k.fields.addressees },
  { path: 'title', id: 'consultation-title', label: k.fields.title },
  { path: 'summary', id: 'consultation-summary', label: k.fields.summary },
  { path: 'periodStart', id: 'consultation-period-start', label: k.fields.periodStart },
  { path: 'periodEnd', id: 'consultation-period-end', label: k.fields.periodEnd },
  { path: 'sectors', id: 'consultation-sectors', label: k.fields.sectors },
  { path: 'severity', id: 'consultation-severity', label: k.fields.severity },
  { path: 'urgency', id: 'consultation-urgency', label: k.fields.urgency },
  { path: 'communicationKind', id: 'consultation-kind', label: k.fields.communicationKind },
  { path: 'norms', id: 'consultation-norms', label: k.fields.norms },
  { path: 'actionsRequested', id: 'consultation-actions', label: k.fields.actionsRequested },
  { path: 'responseRequestedBy', id: 'consultation-response-by', label: k.fields.responseRequestedBy },
  { path: 'tlp', id: 'consultation-tlp', label: k.fields.tlp },
  { path: 'indicators', id: 'indicators-list', label: k.fields.indicators },
  { path: 'attribution', id: 'consultation-attribution', label: k.fields.attribution },
  { path: 'evidence', id: 'consultation-evidence', label: k.fields.evidence },
];

/**
 * What the form can tell before asking the node: the checks the node makes on sending that need
 * nothing but the form. Sending is asked about only when none fails.
 */
function draftProblems(d: Draft, now: number): FieldIssue[] {
  const problems: FieldIssue[] = [];
  if (d.addressees.length === 0) problems.push({ path: 'addressees', message: k.check.addressees });
  if (!d.title.trim()) problems.push({ path: 'title', message: k.check.title });
  const start = fromLocalInput(d.periodStart);
  const end = fromLocalInput(d.periodEnd);
  if (start && end && end < start) problems.push({ path: 'periodEnd', message: k.check.periodOrder });
  if (deadlinePassed(d.responseRequestedBy, now)) problems.push({ path: 'responseRequestedBy', message: k.check.future });
  return problems;
}

function bodyOf(d: Draft, normsFromText: boolean): Body {
  const norms = normsFromText ? d.normsText.split(/[\s,;]+/).filter(Boolean) : d.norms;
  const to =
    d.attributionTo === 'state'
      ? { kind: 'state' as const, state: d.attributionState.trim().toUpperCase() }
      : d.attributionTo === 'group'
        ? { kind: 'group' as const, name: d.attributionGroup.trim() }
        : { kind: 'unknown' as const };
  return {
    addressees: d.addressees,
    title: d.title,
    summary: d.summary,
    periodStart: fromLocalInput(d.periodStart),
    periodEnd: fromLocalInput(d.periodEnd),
    sectors: d.sectors,
    severity: d.severity,
    urgency: d.urgency,
    communicationKind: d.communicationKind,
    norms,
    actionsRequested: d.actionsRequested,
    responseRequestedBy: fromLocalInput(d.responseRequestedBy),
    tlp: d.tlp,
    indicators: d.indicators,
    attribution: d.attributionOn
      ? { to, basis: d.attributionBasis, confidence: d.attributionConfidence, statement: d.attributionStatement, evidence: d.attributionEvidence }
      : null,
    evidence: d.evidence,
  };
}

/** Raising a consultation (`id` absent) or editing a draft. */
export function ConsultationFormPage({ id }: { id?: string }) {
  const setting = useLoad(
    () =>
      Promise.all([
        call('listPeers').then((r) => r.peers),
        // The norms catalogue is offered when the node has it; otherwise identifiers are typed.
        call('normCatalogue').catch(() => null),
        id ? call('getConsultation', { id }) : Promise.resolve(undefined),
      ])
        .then(async ([peers, catalogue, consultation]) => ({
          peers,
          catalogue,
          consultation,
          // The files already attached to the draft, to show them and let the attribution name them.
          evidence: consultation ? await Promise.all(consultation.draftEvidence.map((e) => call('getEvidence', { id: e }))) : [],
        })),
    [id],
  );
  const r = setting.result;
  if (r.status === 'ready' && (!id || r.data.consultation)) {
    const c = r.data.consultation;
    if (c && c.status !== 'draft') {
      return <NotADraft words={k} href={`/consultations/${c.id}`} title={c.title} />;
    }
    return (
      <ConsultationForm key={c?.version ?? 'new'} consultation={c} peers={r.data.peers} catalogue={r.data.catalogue} evidence={r.data.evidence} onReload={setting.reload} />
    );
  }
  return <PageLoading title={id ? t.drafts.edit : k.newTitle} result={r} back={{ href: '/consultations', label: k.backToList }} />;
}

function ConsultationForm({
  consultation,
  peers,
  catalogue,
  evidence,
  onReload,
}: {
  consultation?: ConsultationDetail | undefined;
  peers: Peer[];
  catalogue: Catalogue | null;
  evidence: Evidence[];
  onReload: () => void;
}) {
  const [, navigate] = useLocation();
  const flash = useFlash();
  const [draft, setDraft] = useState<Draft>(() => draftOf(consultation));
  const [busy, setBusy] = useState<'save' | 'send' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [files, setFiles] = useState<Evidence[]>(evidence);
  const attached = files.filter((f) => draft.evidence.includes(f.id));
  const update =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));

  const trusted = peers.filter((p) => p.status === 'trusted');
  // Addressees of a draft that are no longer trusted peers stay visible, so they can be removed.
  const addresseeOptions = [
    ...trusted.map((p) => ({ value: p.stateCode, label: t.common.stateOption(p.stateCode, p.name) })),
    ...draft.addressees.filter((a) => !trusted.some((p) => p.stateCode === a)).map((a) => ({ value: a, label: a })),
  ];
  const catalogueIds = new Set(catalogue?.lists.flatMap((l) => l.entries.map((e) => e.id)) ?? []);
  const normsFromText = catalogue === null;
  const otherNorms = normsFromText ? [] : draft.norms.filter((n) => !catalogueIds.has(n));

  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  // Messages about one entry of a list say which entry they are about.
  const entryErrors = (path: string, entry: (n: number, m: string) => string) =>
    error instanceof ApiError
      ? error.issues
          .filter((i) => i.path === path || i.path.startsWith(`${path}.`))
          .map((i) => {
            const n = Number(i.path.split('.')[1]);
            return Number.isInteger(n) ? entry(n + 1, i.message) : i.message;
          })
      : [];
  const conflict = error instanceof ApiError && error.code === 'version_conflict';

  /** Saves the draft (creating it the first time); returns it, or null when the node refused. */
  const save = async (send: boolean): Promise<ConsultationDetail | null> => {
    const body = bodyOf(draft, normsFromText);
    if (!consultation) return call('createConsultation', { body: { ...body, send } });
    const saved = await call('updateConsultationDraft', { id: consultation.id, body: { ...body, version: consultation.version } });
    return send ? call('sendConsultation', { id: saved.id }) : saved;
  };

  const run = async (send: boolean) => {
    setBusy(send ? 'send' : 'save');
    setError(null);
    try {
      const saved = await save(send);
      if (!saved) return;
      const path = `/consultations/${saved.id}`;
      flash(send ? k.sent(joinStates(saved.addressees)) : t.drafts.savedDraft(saved.title), path);
      navigate(path);
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(false);
  };
  const readyToSend = () => {
    const problems = draftProblems(draft, Date.now());
    setError(problems.length ? new ApiError(0, 'validation_failed', t.common.checkFields, problems) : null);
    return problems.length === 0;
  };

  const title = consultation ? t.drafts.editTitle(consultation.title) : k.newTitle;
  const attributionErrors = entryErrors('attribution', (_n, m) => m);

  return (
    <Page title={title} intro={consultation ? undefined : k.newIntro}>
      {conflict ? <VersionConflict words={t.drafts} onReload={onReload} /> : <ErrorSummary error={error} fields={fieldRefs()} />}
      {trusted.length === 0 ? <NoPeersWarning words={k} /> : null}
      <form className="form consultation-form" onSubmit={submit} noValidate>
        <h2>{k.sections.who}</h2>
        <CheckboxGroup
          id="consultation-addressees"
          legend={k.fields.addressees}
          hint={k.hints.addressees}
          options={addresseeOptions}
          value={draft.addressees}
          onChange={update('addressees')}
          errors={errorsFor('addressees')}
        />

        <h2>{k.sections.what}</h2>
        <TextField id="consultation-title" label={k.fields.title} hint={k.hints.title} maxChars={limits.consultation.title} value={draft.title} onChange={update('title')} errors={errorsFor('title')} />
        <TextAreaField id="consultation-summary" label={k.fields.summary} hint={k.hints.summary} optional maxChars={limits.consultation.summary} rows={8} value={draft.summary} onChange={update('summary')} errors={errorsFor('summary')} />
        <div className="field-pair">
          <TextField
            id="consultation-period-start"
            label={k.fields.periodStart}
            hint={k.hints.period}
            optional
            type="datetime-local"
            className="input-medium"
            value={draft.periodStart}
            onChange={update('periodStart')}
            errors={errorsFor('periodStart')}
          />
          <TextField
            id="consultation-period-end"
            label={k.fields.periodEnd}
            optional
            type="datetime-local"
            className="input-medium"
            value={draft.periodEnd}
            onChange={update('periodEnd')}
            errors={errorsFor('periodEnd')}
          />
        </div>
        <CheckboxGroup
          id="consultation-sectors"
          legend={k.fields.sectors}
          hint={k.hints.sectors}
          columns
          options={sectors.map((s) => ({ value: s, label: k.sectors[s] ?? s }))}
          value={draft.sectors}
          onChange={update('sectors')}
          errors={errorsFor('sectors')}
        />
        <RadioGroup
          id="consultation-severity"
          legend={k.fields.severity}
          options={severities.map((s) => ({ value: s, label: k.severities[s] ?? s }))}
          value={draft.severity}
          onChange={update('severity')}
          errors={errorsFor('severity')}
        />

        <h2>{k.sections.ask}</h2>
        <RadioGroup
          id="consultation-kind"
          legend={k.fields.communicationKind}
          options={communicationKinds.map((s) => ({ value: s, label: k.kinds[s] ?? s, hint: k.kindHelp[s] ?? '' }))}
          value={draft.communicationKind}
          onChange={update('communicationKind')}
          errors={errorsFor('communicationKind')}
        />
        <RadioGroup
          id="consultation-urgency"
          legend={k.fields.urgency}
          options={urgencies.map((s) => ({ value: s, label: k.urgencies[s] ?? s, hint: k.urgencyHelp[s] ?? '' }))}
          value={draft.urgency}
          onChange={update('urgency')}
          errors={errorsFor('urgency')}
        />
        {normsFromText ? (
          <TextField
            id="consultation-norms"
            label={k.fields.norms}
            hint={`${k.normsUnavailable} ${k.hints.normsText}`}
            optional
            spellCheck={false}
            value={draft.normsText}
            onChange={update('normsText')}
            errors={entryErrors('norms', (_n, m) => m)}
          />
        ) : (
          <NormPicker catalogue={catalogue!} value={draft.norms} onChange={update('norms')} errors={entryErrors('norms', (_n, m) => m)} others={otherNorms} />
        )}
        <TextAreaField
          id="consultation-actions"
          label={k.fields.actionsRequested}
          hint={k.hints.actionsRequested}
          optional
          maxChars={limits.consultation.actionsRequested}
          value={draft.actionsRequested}
          onChange={update('actionsRequested')}
          errors={errorsFor('actionsRequested')}
        />
        <TextField
          id="consultation-response-by"
          label={k.fields.responseRequestedBy}
          hint={k.hints.responseRequestedBy}
          optional
          type="datetime-local"
          className="input-medium"
          value={draft.responseRequestedBy}
          onChange={update('responseRequestedBy')}
          errors={errorsFor('responseRequestedBy')}
        />

        <h2>{k.sections.marking}</h2>
        <TlpChoice
          id="consultation-tlp"
          legend={k.fields.tlp}
          hint={k.hints.tlp}
          value={draft.tlp}
          onChange={update('tlp')}
          errors={errorsFor('tlp')}
          optionId={(level) => `consultation-tlp-${level}`}
        />

        <h2>{k.sections.indicators}</h2>
        <IndicatorEditor
          value={draft.indicators}
          onChange={update('indicators')}
          errors={entryErrors('indicators', (n, m) => `${k.fields.indicators} ${n}: ${m}`)}
        />

        <h2>{k.sections.attribution}</h2>
        <div id="consultation-attribution" tabIndex={-1}>
          <CheckboxField
            id="consultation-attribution-on"
            label={k.attribution.include}
            hint={k.attribution.includeHint}
            checked={draft.attributionOn}
            onChange={update('attributionOn')}
            errors={draft.attributionOn ? undefined : attributionErrors}
          />
        </div>
        {draft.attributionOn ? (
          <div className="subform">
            <RadioGroup
              id="consultation-attribution-to"
              legend={k.attribution.to}
              options={(['state', 'group', 'unknown'] as const).map((x) => ({ value: x, label: k.attribution.toKinds[x] ?? x }))}
              value={draft.attributionTo}
              onChange={update('attributionTo')}
              errors={errorsFor('attribution.to')}
            />
            {draft.attributionTo === 'state' ? (
              <TextField
                id="consultation-attribution-state"
                label={k.attribution.state}
                hint={k.attribution.stateHint}
                className="input-short"
                maxChars={3}
                autoComplete="off"
                value={draft.attributionState}
                onChange={(v) => update('attributionState')(v.toUpperCase())}
              />
            ) : null}
            {draft.attributionTo === 'group' ? (
              <TextField id="consultation-attribution-group" label={k.attribution.group} maxChars={limits.consultation.attributionGroup} value={draft.attributionGroup} onChange={update('attributionGroup')} />
            ) : null}
            <CheckboxGroup
              id="consultation-attribution-basis"
              legend={k.attribution.basis}
              options={attributionBases.map((b) => ({ value: b, label: k.bases[b] ?? b }))}
              value={draft.attributionBasis}
              onChange={update('attributionBasis')}
              errors={errorsFor('attribution.basis')}
            />
            <RadioGroup
              id="consultation-attribution-confidence"
              legend={k.attribution.confidence}
              options={confidenceLevels.map((c) => ({ value: c, label: k.confidences[c] ?? c }))}
              value={draft.attributionConfidence}
              onChange={update('attributionConfidence')}
              errors={errorsFor('attribution.confidence')}
            />
            {attached.length ? (
              <CheckboxGroup
                id="consultation-attribution-evidence"
                legend={k.attribution.evidence}
                options={attached.map((f) => ({ value: f.sha256, label: <span dir="auto">{f.name}</span> }))}
                value={draft.attributionEvidence.filter((h) => attached.some((f) => f.sha256 === h))}
                onChange={update('attributionEvidence')}
                errors={errorsFor('attribution.evidence')}
              />
            ) : null}
            <TextAreaField
              id="consultation-attribution-statement"
              label={k.attribution.statement}
              hint={k.attribution.statementHint}
              optional
              maxChars={limits.consultation.attributionStatement}
              value={draft.attributionStatement}
              onChange={update('attributionStatement')}
              errors={errorsFor('attribution.statement')}
            />
          </div>
        ) : null}

        <h2>{k.sections.evidence}</h2>
        <AttachedEvidence
          id="consultation-evidence"
          errors={errorsFor('evidence')}
          attached={attached}
          words={k.evidence}
          caseId={consultation?.id}
          onDetach={(f) => setDraft((x) => ({ ...x, evidence: x.evidence.filter((e) => e !== f.id), attributionEvidence: x.attributionEvidence.filter((h) => h !== f.sha256) }))}
          onUploaded={(e) => {
            setFiles((fs) => (fs.some((f) => f.id === e.id) ? fs : [...fs, e]));
            setDraft((x) => (x.evidence.includes(e.id) ? x : { ...x, evidence: [...x.evidence, e.id] }));
          }}
        />

        <DraftActions
          busy={busy}
          question={k.sendQuestion(draft.addressees.length ? joinStates(draft.addressees) : '…', `TLP:${draft.tlp}`)}
          check={readyToSend}
          onSend={() => void run(true)}
          cancelHref={consultation ? `/consultations/${consultation.id}` : '/consultations'}
        />
      </form>
    </Page>
  );
}

function NormPicker({
  catalogue,
  value,
  onChange,
  errors,
  others,
}: {
  catalogue: Catalogue;
  value: string[];
  onChange: (next: string[]) => void;
  errors: string[];
  others: string[];
}) {
  return (
    <div className={`field${errors.length ? ' field-invalid' : ''}`}>
      <details className="norm-picker" open={value.length > 0 || errors.length > 0}>
        <summary className="label">
          {k.fields.norms} <span className="optional">{t.common.optional}</span> — {k.normsChosen(value.length)}
        </summary>
        <p className="hint">{k.hints.norms}</p>
        {errors.length ? <p className="field-message">{errors.join(' ')}</p> : null}
        {catalogue.lists.map((list, i) => (
          <CheckboxGroup
            key={list.id}
            id={i === 0 ? 'consultation-norms' : `consultation-norms-${list.id}`}
            legend={list.title}
            options={list.entries.map((e) => ({ value: e.id, label: `${e.id} — ${e.title}` }))}
            value={value.filter((v) => list.entries.some((e) => e.id === v))}
            onChange={(chosen) => onChange([...value.filter((v) => !list.entries.some((e) => e.id === v)), ...chosen])}
          />
        ))}
        {others.length ? <p className="hint">{others.join(', ')}</p> : null}
      </details>
    </div>
  );
}
