import type { Evidence, Peer, ResponseOf } from '@parley/core';
import { useEffect, useRef, useState, type FormEvent, type MouseEvent, type RefObject } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { ApiError, call, describeError, type FieldIssue } from '../api/client.js';
import { useTakeFocus, VersionConflict } from '../components/alerts.js';
import { PageLoading } from '../components/case-page.js';
import { AttachedEvidence, DraftActions, NoPeersWarning, NotADraft, TlpChoice } from '../components/draft-form.js';
import { RadioGroup, SelectField, TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { CheckboxGroup, ConfirmStep, TextAreaField, deadlinePassed, fromLocalInput, toLocalInput } from '../consultations/parts.js';
import { urgencies } from '../consultations/values.js';
import { messages as t } from '../i18n/index.js';
import {
  bodyOf,
  emptyContact,
  emptyForm,
  fieldId,
  fieldIdFor,
  followUp,
  formOf,
  legalBasisSet,
  requiredFields,
  requirement,
  type Draft,
  type Earlier,
  type FormValue,
  type Related,
  type Urgency,
} from '../requests/form-model.js';
import { limits } from '../limits.js';
import { kindLabel } from '../requests/parts.js';
import '../requests/requests.css';
import { legalInstruments, requestChannels, requestKinds, type RequestChannel, type RequestKind } from '../requests/values.js';
import { useUser } from '../session.js';
import { useLoad } from '../use-load.js';

const k = t.requests;

type Detail = ResponseOf<'getRequest'>;
type Listed = ResponseOf<'listRequests'>['requests'][number];
type LegalBasis = ResponseOf<'listLegalBases'>['legalBases'][number];

/** The words for each field path, for the error summary and the check before sending, in the language of the moment. */
const labels = (): Record<string, string> => ({
  kind: k.fields.kind,
  recipient: k.fields.recipient,
  title: k.fields.title,
  summary: k.fields.summary,
  urgency: k.fields.urgency,
  tlp: k.fields.tlp,
  responseRequestedBy: k.fields.responseRequestedBy,
  evidence: k.fields.evidence,
  'form.reference': k.fields.reference,
  'form.requestingAuthority': k.fields.requestingAuthority,
  'form.investigatingAuthority': k.fields.investigatingAuthority,
  'form.prosecutorOrCourt': k.fields.prosecutorOrCourt,
  'form.caseNumber': k.fields.caseNumber,
  'form.proceedings': k.fields.proceedings,
  'form.offence': k.fields.offence,
  'form.legalBasis.instruments': k.fields.instruments,
  'form.legalBasis.articles': k.fields.articles,
  'form.legalBasis.channel': k.fields.channel,
  'form.dataSought': k.fields.dataSought,
  'form.linkToOffence': k.fields.linkToOffence,
  'form.custodianOrLocation': k.fields.custodianOrLocation,
  'form.persons': k.fields.persons,
  'form.necessity': k.fields.necessity,
  'form.procedure': k.fields.procedure,
  'form.riskToLife': k.fields.riskToLife,
  'form.mlaToFollow': k.fields.mlaToFollow,
  'form.confidentiality': k.fields.confidentiality,
  'form.timeLimits': k.fields.timeLimits,
  'form.related': k.fields.related,
  'form.contact.name': k.fields.contactName,
  'form.contact.position': k.fields.contactPosition,
  'form.contact.phone': k.fields.contactPhone,
  'form.contact.email': k.fields.contactEmail,
  'form.contact.officeHours': k.fields.contactOfficeHours,
  'form.contact.timeZone': k.fields.contactTimeZone,
  'form.contact.preferredChannel': k.fields.contactPreferredChannel,
});

function labelFor(path: string): string | null {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const label = labels()[parts.slice(0, n).join('.')];
    if (label) return label;
  }
  return null;
}

// Focus the field without touching location.hash, as the other forms do.
function jumpTo(e: MouseEvent<HTMLAnchorElement>) {
  const id = e.currentTarget.getAttribute('href')?.slice(1);
  const target = id ? document.getElementById(id) : null;
  if (!target) return;
  e.preventDefault();
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

/** One item the node named (a missing field, a warning, an error), linked to its field when the form has it. */
function IssueLink({ path, message }: { path: string; message: string }) {
  const id = fieldIdFor(path);
  const label = labelFor(path);
  const text = label ? `${label}${label.endsWith('?') ? '' : ':'} ${message}` : message;
  return id ? (
    <a href={`#${id}`} onClick={jumpTo}>
      {text}
    </a>
  ) : (
    <>{text}</>
  );
}

/**
 * The summary above the form after a refused save or send: the node's sentence and each field it
 * named, linked to the field. A send refused as incomplete lists what is missing.
 */
function RequestErrorSummary({ error }: { error: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  useTakeFocus(ref, error);
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  const incomplete = error instanceof ApiError && error.code === 'request_incomplete';
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
      <p className="alert-title">{t.common.problemTitle}</p>
      <p>{incomplete ? k.incomplete : describeError(error)}</p>
      {issues.length > 0 ? (
        <ul>
          {issues.map((i, n) => (
            <li key={`${i.path}-${n}`}>
              <IssueLink path={i.path} message={i.message} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function draftOf(r: Detail | undefined): Draft {
  return {
    kind: r?.kind ?? null,
    recipient: r?.recipient ?? '',
    title: r?.title ?? '',
    summary: r?.summary ?? '',
    urgency: (urgencies as readonly string[]).includes(r?.urgency ?? '') ? (r!.urgency as Urgency) : 'routine',
    tlp: r?.tlp ?? 'AMBER+STRICT',
    responseRequestedBy: toLocalInput(r?.responseRequestedBy ?? null),
    form: r ? formOf(r.form) : emptyForm(),
    evidence: r ? [...r.draftEvidence] : [],
  };
}

/** The legal basis recorded for a state, put into a form whose officer has not set one. */
function withBasis(form: FormValue, basis: LegalBasis | undefined): FormValue {
  return {
    ...form,
    legalBasis: basis
      ? {
          instruments: basis.instruments.filter((i): i is (typeof legalInstruments)[number] => (legalInstruments as readonly string[]).includes(i)),
          articles: basis.articles,
          channel: (requestChannels as readonly string[]).includes(basis.channel ?? '') ? (basis.channel as RequestChannel) : null,
        }
      : { instruments: [], articles: '', channel: null },
  };
}

/** Starting a request (`id` absent, `?kind=mla&related=<id>` for a follow-up) or editing a draft. */
export function RequestFormPage({ id }: { id?: string }) {
  const search = useSearch();
  const params = new URLSearchParams(search);
  const kindParam = params.get('kind') ?? '';
  const startKind = (requestKinds as readonly string[]).includes(kindParam) ? (kindParam as RequestKind) : null;
  const relatedParam = id ? null : params.get('related');
  const setting = useLoad(
    () =>
      Promise.all([
        call('listPeers').then((r) => r.peers),
        // Neither is needed to write a request; without them the officer types what they would fill.
        call('listLegalBases')
          .then((r) => r.legalBases)
          .catch(() => [] as LegalBasis[]),
        call('listRequests', { query: { box: 'all', limit: 500 } })
          .then((r) => r.requests)
          .catch(() => [] as Listed[]),
        id ? call('getRequest', { id }) : Promise.resolve(undefined),
        relatedParam ? call('getRequest', { id: relatedParam }).catch(() => null) : Promise.resolve(undefined),
      ]).then(async ([peers, bases, requests, request, earlier]) => ({
        peers,
        bases,
        requests,
        request,
        earlier,
        // The files already attached to the draft, to show them.
        evidence: request ? await Promise.all(request.draftEvidence.map((e) => call('getEvidence', { id: e }))) : [],
      })),
    [id, relatedParam],
  );
  const r = setting.result;
  if (r.status === 'ready') {
    const req = r.data.request;
    if (req && req.status !== 'draft') {
      return <NotADraft words={k} href={`/requests/${req.id}`} title={req.title || k.untitled} />;
    }
    return (
      <RequestForm
        key={req?.version ?? 'new'}
        request={req}
        startKind={startKind}
        earlier={r.data.earlier ?? null}
        followUpFailed={Boolean(relatedParam) && r.data.earlier === null}
        peers={r.data.peers}
        bases={r.data.bases}
        requests={r.data.requests}
        evidence={r.data.evidence}
        onReload={setting.reload}
      />
    );
  }
  return <PageLoading title={id ? t.drafts.edit : k.newTitle} result={r} back={{ href: '/requests', label: k.backToList }} />;
}

function RequestForm({
  request,
  startKind,
  earlier,
  followUpFailed,
  peers,
  bases,
  requests,
  evidence,
  onReload,
}: {
  request: Detail | undefined;
  startKind: RequestKind | null;
  earlier: Detail | null;
  followUpFailed: boolean;
  peers: Peer[];
  bases: LegalBasis[];
  requests: Listed[];
  evidence: Evidence[];
  onReload: () => void;
}) {
  const user = useUser();
  const [, navigate] = useLocation();
  const flash = useFlash();
  const basisOf = (code: string) => bases.find((b) => b.state === code);

  // A new request starts with the officer as its contact, in the browser's time zone, and, for a
  // follow-up, with what the earlier request said.
  const [initial] = useState(() => {
    if (request) return { draft: draftOf(request), prefilled: null as string | null };
    let d = draftOf(undefined);
    d = {
      ...d,
      kind: startKind,
      urgency: startKind === 'emergency' ? 'urgent' : d.urgency,
      form: { ...d.form, contact: { ...emptyContact(), name: user.displayName, email: user.email, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? '' } },
    };
    if (earlier) d = followUp(d, startKind ?? 'mla', earlier as Earlier);
    if (d.recipient && !legalBasisSet(d.form) && basisOf(d.recipient)) return { draft: { ...d, form: withBasis(d.form, basisOf(d.recipient)) }, prefilled: d.recipient };
    return { draft: d, prefilled: null };
  });
  const [draft, setDraft] = useState<Draft>(initial.draft);
  /** The state whose recorded legal basis is in the form, until the officer changes it. */
  const [prefilled, setPrefilled] = useState<string | null>(initial.prefilled);
  const [choosing, setChoosing] = useState(draft.kind === null);
  const [saved, setSaved] = useState<Detail | undefined>(request);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'save' | 'send' | 'delete' | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** The form's own refusal of a deadline already past; a new object each time, so that focus goes to the field again. */
  const [pastDeadline, setPastDeadline] = useState<{ message: string } | null>(null);
  const [files, setFiles] = useState<Evidence[]>(evidence);
  const attached = files.filter((f) => draft.evidence.includes(f.id));

  const change = (next: (d: Draft) => Draft) => {
    setDraft(next);
    setDirty(true);
  };
  const update =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      change((d) => ({ ...d, [key]: value }));
  const updateForm =
    <K extends keyof FormValue>(key: K) =>
    (value: FormValue[K]) =>
      change((d) => ({ ...d, form: { ...d.form, [key]: value } }));
  const updateContact = (key: keyof FormValue['contact']) => (value: string) => change((d) => ({ ...d, form: { ...d.form, contact: { ...d.form.contact, [key]: value } } }));
  const updateBasis =
    <K extends keyof FormValue['legalBasis']>(key: K) =>
    (value: FormValue['legalBasis'][K]) => {
      setPrefilled(null);
      change((d) => ({ ...d, form: { ...d.form, legalBasis: { ...d.form.legalBasis, [key]: value } } }));
    };
  const chooseRecipient = (code: string) => {
    // The recorded legal basis fills the form when the officer has set none, or replaces the one
    // filled in for the state chosen before.
    const fill = prefilled !== null || !legalBasisSet(draft.form);
    change((d) => ({ ...d, recipient: code, form: fill ? withBasis(d.form, basisOf(code)) : d.form }));
    setPrefilled(fill && basisOf(code) ? code : null);
  };

  const kindHeading = useRef<HTMLHeadingElement>(null);
  const formHeading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    (choosing ? kindHeading : formHeading).current?.focus();
  }, [choosing]);

  const trusted = peers.filter((p) => p.status === 'trusted');
  const recipientOptions = [
    { value: '', label: k.noRecipient },
    ...trusted.map((p) => ({ value: p.stateCode, label: t.common.stateOption(p.stateCode, p.name) })),
    ...(draft.recipient && !trusted.some((p) => p.stateCode === draft.recipient) ? [{ value: draft.recipient, label: draft.recipient }] : []),
  ];

  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  const conflict = error instanceof ApiError && error.code === 'version_conflict';

  const save = async (): Promise<Detail> => {
    const kind = draft.kind!;
    const body = bodyOf({ ...draft, kind }, fromLocalInput(draft.responseRequestedBy));
    const next = saved ? await call('updateRequestDraft', { id: saved.id, body: { ...body, version: saved.version } }) : await call('createRequest', { body: { ...body, send: false } });
    setSaved(next);
    setDirty(false);
    return next;
  };

  const saveDraft = async () => {
    setBusy('save');
    setError(null);
    try {
      const next = await save();
      if (!request) {
        // Go on editing the draft at its own address, where the node's check is shown.
        const path = `/requests/${next.id}/edit`;
        flash(t.drafts.savedDraft(next.title), path);
        navigate(path, { replace: true });
        return;
      }
      flash(t.drafts.savedDraft(next.title));
    } catch (err) {
      setError(err);
    }
    setBusy(null);
  };

  const send = async () => {
    setBusy('send');
    setError(null);
    try {
      const next = await save();
      const sent = await call('sendRequest', { id: next.id });
      const path = `/requests/${sent.id}`;
      flash(k.sent(kindLabel(sent.kind).toLowerCase(), sent.recipient ?? ''), path);
      navigate(path);
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  const remove = async () => {
    if (!saved) return;
    setBusy('delete');
    setError(null);
    try {
      await call('deleteRequestDraft', { id: saved.id });
      flash(t.drafts.deleted(saved.title), '/requests');
      navigate('/requests?box=drafts');
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  /**
   * The node refuses a deadline that has passed, when the draft is saved and when it is sent; the
   * form says so on the field first, and takes the person there, rather than after they confirm.
   */
  const deadlineAhead = (): boolean => {
    if (!deadlinePassed(draft.responseRequestedBy, Date.now())) {
      setPastDeadline(null);
      return true;
    }
    setPastDeadline({ message: k.check.deadlinePassed });
    return false;
  };
  useEffect(() => {
    if (pastDeadline) document.getElementById(fieldId('responseRequestedBy'))?.focus();
  }, [pastDeadline]);

  /**
   * A draft is kept only with the state it goes to and its subject line: the form says so on
   * those fields itself, in words, before saving or asking to send (which would ask “to …?”).
   */
  const readyToSave = (): boolean => {
    const problems: FieldIssue[] = [];
    if (!draft.recipient) problems.push({ path: 'recipient', message: k.check.noRecipient });
    if (!draft.title.trim()) problems.push({ path: 'title', message: k.check.noTitle });
    if (problems.length) {
      setError(new ApiError(0, 'validation_failed', t.common.checkFields, problems));
      return false;
    }
    if (error instanceof ApiError && error.status === 0) setError(null);
    return deadlineAhead();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (readyToSave()) void saveDraft();
  };

  const title = request ? t.drafts.editTitle(request.title || k.untitled) : k.newTitle;
  const errorBlock = conflict ? <VersionConflict words={t.drafts} onReload={onReload} /> : <RequestErrorSummary error={error} />;

  if (choosing) {
    return (
      <Page title={title} intro={request ? undefined : k.newIntro}>
        {followUpFailed ? (
          <div className="alert alert-warning">
            <p>{k.followUpMissing}</p>
          </div>
        ) : null}
        <KindChoice
          value={draft.kind}
          headingRef={kindHeading}
          onChoose={(kind) => {
            // An emergency is urgent unless the officer said otherwise.
            change((d) => ({ ...d, kind, urgency: kind === 'emergency' && d.urgency === 'routine' ? 'urgent' : d.urgency }));
            setChoosing(false);
          }}
          cancelHref={request ? `/requests/${request.id}/edit` : '/requests'}
          onCancel={request || draft.kind ? () => setChoosing(false) : undefined}
        />
      </Page>
    );
  }

  const kind = draft.kind!;
  const need = (path: string) => requirement(kind, path);
  /** Label, hint and marks of a field as its type asks it: required fields carry no “(optional)”. */
  const described = (path: string, hint?: string) => {
    const r = need(path);
    const prefix = r === 'recommended' ? k.recommendedHint : r === 'either' ? k.either : '';
    return {
      id: fieldId(path),
      optional: r === 'optional' || r === 'recommended',
      hint: [prefix, hint].filter(Boolean).join(' ') || undefined,
      errors: errorsFor(path),
      'aria-required': r === 'required' ? true : undefined,
    };
  };
  const text = (path: string, value: string, onChange: (v: string) => void, label: string, hint: string | undefined, maxChars: number, extra: Record<string, unknown> = {}) => (
    <TextField {...described(path, hint)} label={label} maxChars={maxChars} value={value} onChange={onChange} {...extra} />
  );
  const area = (path: string, value: string, onChange: (v: string) => void, label: string, hint: string | undefined, maxChars: number, rows = 4) => (
    <TextAreaField {...described(path, hint)} label={label} maxChars={maxChars} rows={rows} value={value} onChange={onChange} />
  );
  const f = draft.form;
  const shows = (path: string, kinds: RequestKind[], value: unknown) => kinds.includes(kind) || (typeof value === 'string' ? value !== '' : value !== null);
  const earlierOf = earlier && !request ? earlier : null;

  return (
    <Page title={title} intro={request ? undefined : k.newIntro}>
      {errorBlock}
      {followUpFailed ? (
        <div className="alert alert-warning">
          <p>{k.followUpMissing}</p>
        </div>
      ) : null}
      {earlierOf ? (
        <div className="alert alert-info">
          <p>{k.followUpOf(k.kindsInSentence[earlierOf.kind] ?? earlierOf.kind, earlierOf.title)}</p>
        </div>
      ) : null}
      {trusted.length === 0 ? <NoPeersWarning words={k} /> : null}

      <div className="panel panel-highlight">
        <h2 tabIndex={-1} ref={formHeading}>
          {k.kindChosen(kindLabel(kind))}
        </h2>
        <p>{k.kindHelp[kind]}</p>
        <p>{k.kindDeadlines[kind]}</p>
        <p>
          <button type="button" className="button button-secondary" onClick={() => setChoosing(true)}>
            {k.changeKind}
          </button>
        </p>
        <h3>{k.requiredTitle(k.kindsInSentence[kind] ?? kind)}</h3>
        <p className="hint">{k.requiredIntro}</p>
        <ul className="required-list">
          {requiredFields(kind).map((p) => (
            <li key={p}>{p === 'form.contact.phone' ? k.phoneOrEmail : labelFor(p)}</li>
          ))}
        </ul>
      </div>

      <form className="form request-form" onSubmit={submit} noValidate>
        <section className="form-section" aria-labelledby="request-section-parties">
          <h2 id="request-section-parties">{k.sections.parties}</h2>
          <p className="hint">{k.sectionHelp.parties}</p>
          <SelectField id={fieldId('recipient')} label={k.fields.recipient} hint={k.hints.recipient} value={draft.recipient} options={recipientOptions} onChange={chooseRecipient} errors={errorsFor('recipient')} />
          {text('form.reference', f.reference, updateForm('reference'), k.fields.reference, k.hints.reference, limits.request.reference)}
          {text('form.requestingAuthority', f.requestingAuthority, updateForm('requestingAuthority'), k.fields.requestingAuthority, k.hints.requestingAuthority, limits.request.authority)}
          {text('form.investigatingAuthority', f.investigatingAuthority, updateForm('investigatingAuthority'), k.fields.investigatingAuthority, k.hints.investigatingAuthority, limits.request.authority)}
          <div className="field-pair">
            {text('form.prosecutorOrCourt', f.prosecutorOrCourt, updateForm('prosecutorOrCourt'), k.fields.prosecutorOrCourt, k.hints.prosecutorOrCourt, limits.request.authority)}
            {text('form.caseNumber', f.caseNumber, updateForm('caseNumber'), k.fields.caseNumber, undefined, limits.request.caseNumber)}
          </div>
        </section>

        <section className="form-section" aria-labelledby="request-section-basis">
          <h2 id="request-section-basis">{k.sections.legalBasis}</h2>
          <p className="hint">{k.sectionHelp.legalBasis}</p>
          {prefilled ? (
            <p className="notice" role="status">
              {k.hints.legalBasisPrefilled(prefilled)}
            </p>
          ) : draft.recipient && !basisOf(draft.recipient) ? (
            <p className="muted">{k.hints.legalBasisNone(draft.recipient)}</p>
          ) : null}
          <CheckboxGroup
            id={fieldId('form.legalBasis.instruments')}
            legend={`${k.fields.instruments}${need('form.legalBasis.instruments') === 'required' ? '' : ` ${t.common.optional}`}`}
            hint={k.hints.instruments}
            options={legalInstruments.map((i) => ({ value: i, label: k.instruments[i] ?? i }))}
            value={f.legalBasis.instruments}
            onChange={updateBasis('instruments')}
            errors={errorsFor('form.legalBasis.instruments')}
          />
          <div className="field-pair">
            <TextField
              id={fieldId('form.legalBasis.articles')}
              label={k.fields.articles}
              hint={k.hints.articles}
              optional
              maxChars={limits.request.articles}
              value={f.legalBasis.articles}
              onChange={updateBasis('articles')}
              errors={errorsFor('form.legalBasis.articles')}
            />
            <SelectField
              id={fieldId('form.legalBasis.channel')}
              label={k.fields.channel}
              hint={k.hints.channel}
              value={f.legalBasis.channel ?? ''}
              options={[{ value: '', label: k.noChannel }, ...requestChannels.map((c) => ({ value: c, label: k.channels[c] ?? c }))]}
              onChange={(v) => updateBasis('channel')(v === '' ? null : (v as RequestChannel))}
              errors={errorsFor('form.legalBasis.channel')}
            />
          </div>
        </section>

        <section className="form-section" aria-labelledby="request-section-facts">
          <h2 id="request-section-facts">{k.sections.facts}</h2>
          {text('title', draft.title, update('title'), k.fields.title, k.hints.title, limits.request.title)}
          {area('summary', draft.summary, update('summary'), k.fields.summary, k.hints.summary, limits.request.summary, 8)}
          {area('form.proceedings', f.proceedings, updateForm('proceedings'), k.fields.proceedings, k.hints.proceedings, limits.request.proceedings)}
          {area('form.offence', f.offence, updateForm('offence'), k.fields.offence, k.hints.offence, limits.request.offence, 3)}
          {kind === 'spontaneous' ? area('form.persons', f.persons, updateForm('persons'), k.fields.persons, k.hints.persons, limits.request.particulars) : null}
        </section>

        {kind !== 'spontaneous' || f.dataSought || f.linkToOffence || f.custodianOrLocation ? (
          <section className="form-section" aria-labelledby="request-section-sought">
            <h2 id="request-section-sought">{k.sections.sought}</h2>
            <p className="hint">{k.sectionHelp.sought}</p>
            {shows('form.riskToLife', ['emergency'], f.riskToLife) ? area('form.riskToLife', f.riskToLife, updateForm('riskToLife'), k.fields.riskToLife, k.hints.riskToLife, limits.request.particulars) : null}
            {area('form.dataSought', f.dataSought, updateForm('dataSought'), k.fields.dataSought, k.hints.dataSought, limits.request.dataSought, 6)}
            {area('form.linkToOffence', f.linkToOffence, updateForm('linkToOffence'), k.fields.linkToOffence, k.hints.linkToOffence, limits.request.particulars)}
            {area('form.custodianOrLocation', f.custodianOrLocation, updateForm('custodianOrLocation'), k.fields.custodianOrLocation, k.hints.custodianOrLocation, limits.request.particulars, 3)}
            {kind !== 'spontaneous' ? area('form.persons', f.persons, updateForm('persons'), k.fields.persons, k.hints.persons, limits.request.particulars) : null}
            {shows('form.necessity', ['preservation'], f.necessity) ? area('form.necessity', f.necessity, updateForm('necessity'), k.fields.necessity, k.hints.necessity, limits.request.particulars) : null}
            {shows('form.procedure', ['mla', 'disclosure', 'emergency'], f.procedure) ? area('form.procedure', f.procedure, updateForm('procedure'), k.fields.procedure, k.hints.procedure, limits.request.particulars) : null}
            {shows('form.mlaToFollow', ['preservation'], f.mlaToFollow) ? (
              <RadioGroup
                id={fieldId('form.mlaToFollow')}
                legend={`${k.fields.mlaToFollow}${need('form.mlaToFollow') === 'optional' ? ` ${t.common.optional}` : ''}`}
                options={[
                  { value: 'yes', label: k.mlaToFollow.yes ?? 'Yes', hint: k.hints.mlaToFollow },
                  { value: 'no', label: k.mlaToFollow.no ?? 'No' },
                ]}
                value={f.mlaToFollow === null ? ('' as const) : f.mlaToFollow ? 'yes' : 'no'}
                onChange={(v) => updateForm('mlaToFollow')(v === '' ? null : v === 'yes')}
                errors={errorsFor('form.mlaToFollow')}
              />
            ) : null}
          </section>
        ) : null}

        <section className="form-section" aria-labelledby="request-section-handling">
          <h2 id="request-section-handling">{k.sections.handling}</h2>
          <p className="hint">{k.hints.urgency}</p>
          <RadioGroup
            id={fieldId('urgency')}
            legend={k.fields.urgency}
            options={urgencies.map((u) => ({ value: u, label: k.urgencies[u] ?? u }))}
            value={draft.urgency}
            onChange={update('urgency')}
            errors={errorsFor('urgency')}
          />
          <TlpChoice
            id={fieldId('tlp')}
            legend={k.fields.tlp}
            hint={k.hints.tlp}
            value={draft.tlp}
            onChange={update('tlp')}
            errors={errorsFor('tlp')}
            optionId={(level) => `${fieldId('tlp')}-${level.replace('+', '-')}`}
          />
          {area('form.confidentiality', f.confidentiality, updateForm('confidentiality'), k.fields.confidentiality, k.hints.confidentiality, limits.request.confidentiality, 3)}
          {area('form.timeLimits', f.timeLimits, updateForm('timeLimits'), k.fields.timeLimits, k.hints.timeLimits, limits.request.timeLimits, 3)}
          <TextField
            id={fieldId('responseRequestedBy')}
            label={k.fields.responseRequestedBy}
            hint={k.hints.responseRequestedBy}
            optional
            type="datetime-local"
            className="input-medium"
            value={draft.responseRequestedBy}
            onChange={(v) => {
              update('responseRequestedBy')(v);
              // What was said about the time typed before no longer applies.
              setPastDeadline(null);
            }}
            errors={pastDeadline ? [pastDeadline.message] : errorsFor('responseRequestedBy')}
          />
        </section>

        <section className="form-section" aria-labelledby="request-section-related">
          <h2 id="request-section-related">{k.sections.related}</h2>
          <RelatedEditor
            kind={kind}
            value={f.related}
            onChange={updateForm('related')}
            candidates={requests.filter((x) => x.id !== saved?.id && x.status !== 'draft')}
            errors={errorsFor('form.related')}
            recommended={need('form.related') === 'recommended'}
          />
        </section>

        <section className="form-section" aria-labelledby="request-section-contact">
          <h2 id="request-section-contact">{k.sections.contact}</h2>
          <p className="hint">{k.sectionHelp.contact}</p>
          <div className="field-pair">
            {text('form.contact.name', f.contact.name, updateContact('name'), k.fields.contactName, undefined, limits.requestContact.name, { autoComplete: 'name' })}
            {text('form.contact.position', f.contact.position, updateContact('position'), k.fields.contactPosition, undefined, limits.requestContact.position, { autoComplete: 'organization-title' })}
          </div>
          <div className="field-pair">
            {text('form.contact.phone', f.contact.phone, updateContact('phone'), k.fields.contactPhone, k.hints.contactPhone, limits.requestContact.phone, { type: 'tel', autoComplete: 'tel' })}
            {text('form.contact.email', f.contact.email, updateContact('email'), k.fields.contactEmail, undefined, limits.requestContact.email, { type: 'email', autoComplete: 'email', spellCheck: false })}
          </div>
          <div className="field-pair">
            {text('form.contact.officeHours', f.contact.officeHours, updateContact('officeHours'), k.fields.contactOfficeHours, k.hints.contactOfficeHours, limits.requestContact.officeHours)}
            {text('form.contact.timeZone', f.contact.timeZone, updateContact('timeZone'), k.fields.contactTimeZone, k.hints.contactTimeZone, limits.requestContact.timeZone, { spellCheck: false })}
          </div>
          {text('form.contact.preferredChannel', f.contact.preferredChannel, updateContact('preferredChannel'), k.fields.contactPreferredChannel, k.hints.contactPreferredChannel, limits.requestContact.preferredChannel)}
        </section>

        <section className="form-section" aria-labelledby="request-section-evidence">
          <h2 id="request-section-evidence">{k.sections.evidence}</h2>
          <AttachedEvidence
            id={fieldId('evidence')}
            errors={errorsFor('evidence')}
            attached={attached}
            words={k.evidence}
            caseId={saved?.id}
            onDetach={(file) => change((x) => ({ ...x, evidence: x.evidence.filter((e) => e !== file.id) }))}
            onUploaded={(e) => {
              setFiles((fs) => (fs.some((x) => x.id === e.id) ? fs : [...fs, e]));
              change((x) => (x.evidence.includes(e.id) ? x : { ...x, evidence: [...x.evidence, e.id] }));
            }}
          />
        </section>

        <section className="panel request-check" aria-labelledby="request-section-check">
          <h2 id="request-section-check">{k.sections.check}</h2>
          <SendCheck saved={saved} dirty={dirty} />
        </section>

        <DraftActions
          busy={busy}
          question={k.sendQuestion(k.kindsInSentence[kind] ?? kind, draft.recipient, `TLP:${draft.tlp}`)}
          check={readyToSave}
          onSend={() => void send()}
          cancelHref={saved && request ? `/requests?box=drafts` : '/requests'}
        />
        {saved ? (
          <div className="actions">
            <ConfirmStep
              label={t.drafts.deleteDraft}
              question={t.drafts.deleteQuestion(saved.title || k.untitled)}
              confirmLabel={t.drafts.deleteYes}
              busy={busy !== null}
              danger
              onConfirm={() => void remove()}
            />
          </div>
        ) : null}
      </form>
    </Page>
  );
}

/** The first step: which kind of request, each explained with the instruments that found it. */
function KindChoice({
  value,
  headingRef,
  onChoose,
  onCancel,
  cancelHref,
}: {
  value: RequestKind | null;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onChoose: (kind: RequestKind) => void;
  onCancel: (() => void) | undefined;
  cancelHref: string;
}) {
  const [chosen, setChosen] = useState<RequestKind | ''>(value ?? '');
  const [missing, setMissing] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen === '') {
      setMissing(true);
      document.getElementById(fieldId('kind'))?.focus();
      return;
    }
    onChoose(chosen);
  };
  return (
    <form className="form request-kind-choice" onSubmit={submit} noValidate>
      <h2 tabIndex={-1} ref={headingRef}>
        {k.chooseKindTitle}
      </h2>
      <p className="hint">{k.chooseKindHint}</p>
      <RadioGroup
        id={fieldId('kind')}
        legend={k.chooseKindLegend}
        options={requestKinds.map((x) => ({ value: x, label: k.kinds[x] ?? x, hint: `${k.kindHelp[x] ?? ''} ${k.kindDeadlines[x] ?? ''}` }))}
        value={chosen}
        onChange={(v) => {
          setChosen(v);
          setMissing(false);
        }}
        errors={missing ? [k.chooseKindError] : undefined}
      />
      <div className="actions">
        <button type="submit" className="button">
          {k.continue}
        </button>
        {onCancel ? (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t.common.cancel}
          </button>
        ) : (
          <Link href={cancelHref} className="button button-secondary">
            {t.common.cancel}
          </Link>
        )}
      </div>
    </form>
  );
}

/** The node's check of the draft as last saved: what blocks sending, and what is recommended. */
function SendCheck({ saved, dirty }: { saved: Detail | undefined; dirty: boolean }) {
  if (!saved) return <p>{k.check.notSaved}</p>;
  return (
    <>
      <p className="hint">{k.check.intro}</p>
      {dirty ? <p className="notice">{k.check.stale}</p> : null}
      {saved.missing.length ? (
        <>
          <p>
            <strong>{k.check.missingTitle(saved.missing.length)}</strong>
          </p>
          <ul>
            {saved.missing.map((m) => (
              <li key={`${m.field}-${m.message}`}>
                <IssueLink path={m.field} message={m.message} />
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>
          <strong>{k.check.complete}</strong>
        </p>
      )}
      {saved.warnings.length ? (
        <>
          <p>{k.check.warningsTitle(saved.warnings.length)}</p>
          <ul>
            {saved.warnings.map((m) => (
              <li key={`${m.field}-${m.message}`}>
                <IssueLink path={m.field} message={m.message} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/** The earlier requests this one relates to: picked from those held here, or typed as a reference. */
function RelatedEditor({
  kind,
  value,
  onChange,
  candidates,
  errors,
  recommended,
}: {
  kind: RequestKind;
  value: Related[];
  onChange: (next: Related[]) => void;
  candidates: Listed[];
  errors: string[] | undefined;
  recommended: boolean;
}) {
  const [pick, setPick] = useState('');
  const [reference, setReference] = useState('');
  const [refKind, setRefKind] = useState<RequestKind | ''>('');
  const [refError, setRefError] = useState<string | null>(null);
  const id = fieldId('form.related');
  const available = candidates.filter((c) => !value.some((v) => v.request === c.id));
  const describe = (r: Related): string => {
    const held = r.request ? candidates.find((c) => c.id === r.request) : undefined;
    const kindWords = r.kind ? kindLabel(r.kind) : '';
    if (held) return k.related.option(kindLabel(held.kind), held.title || k.untitled, held.counterpart ?? '', r.reference);
    return k.related.entry(r.reference || (r.request ?? ''), kindWords);
  };
  const addPicked = () => {
    const c = candidates.find((x) => x.id === pick);
    if (!c) return;
    onChange([...value, { request: c.id, reference: formOf(c.form).reference, kind: c.kind, note: '' }]);
    setPick('');
  };
  const addTyped = () => {
    if (!reference.trim()) {
      setRefError(k.related.emptyReference);
      document.getElementById(`${id}-reference`)?.focus();
      return;
    }
    onChange([...value, { request: null, reference: reference.trim(), kind: refKind === '' ? null : refKind, note: '' }]);
    setReference('');
    setRefKind('');
    setRefError(null);
  };
  const setNote = (i: number, note: string) => onChange(value.map((r, n) => (n === i ? { ...r, note } : r)));
  return (
    <div id={id} tabIndex={-1} className={`field${errors?.length ? ' field-invalid' : ''}`}>
      <p className="hint">
        {recommended ? `${k.recommendedHint} ` : ''}
        {k.hints.related}
      </p>
      {errors?.length ? <p className="field-message">{errors.join(' ')}</p> : null}
      {value.length ? (
        <ul className="records">
          {value.map((r, i) => (
            <li key={`${r.request ?? r.reference}-${i}`} className="record">
              <div className="related-entry">
                <p className="record-title record-title-small break">
                  {describe(r)}
                  {r.request ? <span className="muted"> ({k.related.heldHere})</span> : null}
                </p>
                <button type="button" className="button button-secondary button-small" aria-label={k.related.removeNamed(describe(r))} onClick={() => onChange(value.filter((_, n) => n !== i))}>
                  {k.related.remove}
                </button>
              </div>
              <TextField id={`${id}-${i}-note`} label={k.related.note} optional maxChars={limits.request.relatedNote} value={r.note} onChange={(v) => setNote(i, v)} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{k.related.none}</p>
      )}
      {available.length ? (
        <div className="inline-form">
          <SelectField
            id={`${id}-pick`}
            label={k.related.pick}
            value={pick}
            options={[
              { value: '', label: k.related.pickNone },
              ...available.map((c) => ({ value: c.id, label: k.related.option(kindLabel(c.kind), c.title || k.untitled, c.counterpart ?? '', formOf(c.form).reference) })),
            ]}
            onChange={setPick}
          />
          <p>
            <button type="button" className="button button-secondary" disabled={!pick} onClick={addPicked}>
              {k.related.add}
            </button>
          </p>
        </div>
      ) : null}
      <div className="field-pair">
        <TextField
          id={`${id}-reference`}
          label={k.related.typeReference}
          maxChars={limits.request.reference}
          value={reference}
          onChange={(v) => {
            setReference(v);
            setRefError(null);
          }}
          errors={refError ? [refError] : undefined}
        />
        <SelectField
          id={`${id}-reference-kind`}
          label={k.related.typeKind}
          value={refKind}
          options={[{ value: '' as const, label: k.related.unknownKind }, ...requestKinds.map((x) => ({ value: x, label: kindLabel(x) }))]}
          onChange={setRefKind}
        />
      </div>
      <p>
        <button type="button" className="button button-secondary" onClick={addTyped}>
          {k.related.addTyped}
        </button>
      </p>
    </div>
  );
}

