import type { ResponseOf } from '@parley/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, call } from '../api/client.js';
import { ErrorSummary, LoadStatus, type FieldRef } from '../components/alerts.js';
import { SelectField, TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { CheckboxGroup, ConfirmStep, TextAreaField } from '../consultations/parts.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { may } from '../permissions.js';
import '../requests/requests.css';
import { legalInstruments, requestChannels, type LegalInstrument, type RequestChannel } from '../requests/values.js';
import { useUser } from '../session.js';
import { useLoad } from '../use-load.js';

const k = t.requests;
const b = k.legalBases;

type LegalBasis = ResponseOf<'listLegalBases'>['legalBases'][number];
type Peer = ResponseOf<'listPeers'>['peers'][number];

const fieldRefs = (): FieldRef[] => [
  { path: 'instruments', id: 'legal-basis-instruments', label: b.instruments },
  { path: 'articles', id: 'legal-basis-articles', label: b.articles },
  { path: 'channel', id: 'legal-basis-channel', label: b.channel },
  { path: 'notes', id: 'legal-basis-notes', label: b.notes },
];

/**
 * The legal basis and channel recorded for each other state: which instruments found cooperation
 * between the two states, and how requests travel. Administrators keep it; everyone reads it.
 */
export function LegalBasesPage() {
  const user = useUser();
  const canEdit = may(user.role, 'requests.configure');
  const data = useLoad(() => Promise.all([call('listLegalBases').then((r) => r.legalBases), call('listPeers').then((r) => r.peers)]), []);
  const [editing, setEditing] = useState<string | null>(null);
  const flash = useFlash();

  const r = data.result;
  const bases = r.status === 'ready' ? r.data[0] : [];
  const peers = r.status === 'ready' ? r.data[1] : [];
  // Every peer has a row, recorded or not; a basis for a state no longer a peer stays visible.
  const codes = [...new Set([...peers.map((p) => p.stateCode), ...bases.map((x) => x.state)])].sort();
  const peerOf = (code: string): Peer | undefined => peers.find((p) => p.stateCode === code);
  const basisOf = (code: string) => bases.find((x) => x.state === code);

  return (
    <Page title={b.title} intro={b.intro}>
      <p>
        <Link href="/requests">{k.backToList}</Link>
      </p>
      {!canEdit ? <p className="muted">{b.readOnly}</p> : null}
      <LoadStatus result={r} />
      {r.status === 'ready' && codes.length === 0 ? <p>{b.none}</p> : null}
      {codes.length ? (
        <div className="table-scroll request-table-scroll" tabIndex={0} role="region" aria-label={b.tableCaption}>
          <table className="table table-data">
            <caption className="visually-hidden">{b.tableCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{b.state}</th>
                <th scope="col">{b.instruments}</th>
                <th scope="col">{b.articles}</th>
                <th scope="col">{b.channel}</th>
                <th scope="col">{b.notes}</th>
                <th scope="col">{b.updated}</th>
                {canEdit ? (
                  <th scope="col">
                    <span className="visually-hidden">{b.edit}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {codes.map((code) => {
                const x = basisOf(code);
                const peer = peerOf(code);
                return (
                  <tr key={code}>
                    <th scope="row">
                      <StateLabel code={code} name={peer?.name ?? null} />
                    </th>
                    <td>{x ? x.instruments.map((i) => k.instruments[i] ?? i).join('; ') : <span className="muted">{b.notRecorded}</span>}</td>
                    <td dir="auto">{x?.articles || t.common.none}</td>
                    <td>{x ? (x.channel ? (k.channels[x.channel] ?? x.channel) : k.noChannel) : t.common.none}</td>
                    <td className="prewrap" dir="auto">
                      {x?.notes || t.common.none}
                    </td>
                    <td>{x ? b.updatedBy(formatTime(x.updatedAt), x.updatedBy) : t.common.none}</td>
                    {canEdit ? (
                      <td>
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          aria-label={x ? b.editNamed(code) : b.recordNamed(code)}
                          aria-expanded={editing === code}
                          aria-controls={editing === code ? 'legal-basis-form' : undefined}
                          onClick={() => setEditing(editing === code ? null : code)}
                        >
                          {x ? b.edit : b.record}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {canEdit && editing ? (
        <LegalBasisForm
          key={`${editing}-${basisOf(editing)?.updatedAt ?? 'new'}`}
          state={editing}
          name={peerOf(editing)?.name ?? null}
          basis={basisOf(editing)}
          onDone={(message) => {
            setEditing(null);
            flash(message);
            data.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
    </Page>
  );
}

function LegalBasisForm({
  state,
  name,
  basis,
  onDone,
  onCancel,
}: {
  state: string;
  name: string | null;
  basis: LegalBasis | undefined;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [instruments, setInstruments] = useState<LegalInstrument[]>(() => (basis?.instruments ?? []).filter((i): i is LegalInstrument => (legalInstruments as readonly string[]).includes(i)));
  const [articles, setArticles] = useState(basis?.articles ?? '');
  const [channel, setChannel] = useState<RequestChannel | ''>(() => ((requestChannels as readonly string[]).includes(basis?.channel ?? '') ? (basis!.channel as RequestChannel) : ''));
  const [notes, setNotes] = useState(basis?.notes ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('setLegalBasis', { code: state, body: { instruments, articles, channel: channel === '' ? null : channel, notes } });
      onDone(b.saved(state));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await call('removeLegalBasis', { code: state });
      onDone(b.removed(state));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="panel" id="legal-basis-form" aria-labelledby="legal-basis-form-title">
      <h2 id="legal-basis-form-title" tabIndex={-1} ref={heading}>
        {b.formTitle(name ? t.common.stateOption(state, name) : state)}
      </h2>
      <ErrorSummary error={error} fields={fieldRefs()} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <CheckboxGroup
          id="legal-basis-instruments"
          legend={b.instruments}
          hint={b.instrumentsHint}
          options={legalInstruments.map((i) => ({ value: i, label: k.instruments[i] ?? i }))}
          value={instruments}
          onChange={setInstruments}
          errors={errorsFor('instruments')}
        />
        <TextField id="legal-basis-articles" label={b.articles} hint={b.articlesHint} optional maxChars={limits.legalBasis.articles} value={articles} onChange={setArticles} errors={errorsFor('articles')} />
        <SelectField
          id="legal-basis-channel"
          label={b.channel}
          hint={b.channelHint}
          value={channel}
          options={[{ value: '' as const, label: k.noChannel }, ...requestChannels.map((c) => ({ value: c, label: k.channels[c] ?? c }))]}
          onChange={setChannel}
          errors={errorsFor('channel')}
        />
        <TextAreaField id="legal-basis-notes" label={b.notes} hint={b.notesHint} optional maxChars={limits.legalBasis.notes} rows={3} value={notes} onChange={setNotes} errors={errorsFor('notes')} />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.common.saving : b.save}
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t.common.cancel}
          </button>
        </div>
      </form>
      {basis ? (
        <div className="actions">
          <ConfirmStep label={b.removeNamed(state)} question={b.removeQuestion(state)} confirmLabel={b.removeYes} busy={busy} danger onConfirm={() => void remove()} />
        </div>
      ) : null}
    </section>
  );
}
