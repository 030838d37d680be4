import type { ResponseOf } from '@parley/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, call } from '../api/client.js';
import { ErrorSummary, LoadStatus } from '../components/alerts.js';
import { SelectField, TextField, useCharacterLimit } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { actorName, formatDate, formatTime, languageName, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { SOURCES_BOX, sourcesProblems } from '../norm-sources.js';
import { may } from '../permissions.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { positionLabel, UnverifiedBadge } from './norms.js';

const n = t.norms;
type Detail = ResponseOf<'normEntry'>;
type Position = Detail['history'][number];

const POSITIONS = ['endorses', 'endorses_with_reservations', 'does_not_endorse', 'no_stated_position'] as const;
type PositionValue = (typeof POSITIONS)[number];

/** A source as a link when it is a URL; a document symbol stays text. */
export function SourceText({ source }: { source: string }) {
  if (!source) return <>{t.common.none}</>;
  return /^https?:\/\//i.test(source) ? (
    <a href={source} rel="noreferrer noopener" className="break">
      {source}
    </a>
  ) : (
    <span className="mono" dir="auto">
      {source}
    </span>
  );
}

export function NormEntryPage({ id }: { id: string }) {
  const { state } = useSession();
  const canWrite = state.status === 'signed-in' && may(state.user.role, 'norms.write');
  const { result, reload } = useLoad(() => call('normEntry', { query: { entry: id } }), [id]);
  if (result.status !== 'ready') {
    return (
      <Page title={result.status === 'failed' && result.error instanceof ApiError && result.error.code === 'unknown_norm' ? n.entry.notFoundTitle : id}>
        <LoadStatus result={result} />
      </Page>
    );
  }
  const d = result.data;
  return (
    <Page title={`${d.entry.source.paragraph} ${d.entry.title}`}>
      <EntryText detail={d} />
      <section aria-labelledby="own-position" id="own">
        <h2 id="own-position">{n.entry.ownHeading}</h2>
        {d.own ? <PositionFacts p={d.own} /> : <p>{n.catalogue.noPosition}</p>}
        {canWrite ? <PositionForm entry={d.entry.id} current={d.own} onSaved={reload} /> : <p className="muted">{n.entry.readOnly}</p>}
        <h3>{n.entry.historyHeading}</h3>
        {d.history.length === 0 ? (
          <p>{n.entry.noHistory}</p>
        ) : (
          <ol className="timeline">
            {d.history.map((h, i) => (
              <li key={i} className="timeline-entry">
                <p className="timeline-title">{positionLabel(h.position)}</p>
                {h.statement ? <p dir="auto">{h.statement}</p> : null}
                <p className="timeline-meta">
                  {n.entry.source}: <SourceText source={h.source} />
                  {h.date ? ` · ${n.entry.stated(formatDate(h.date))}` : null} · {n.entry.by(actorName(h.recordedBy ?? ''), formatTime(h.recordedAt))}
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="implementation">
        <h2 id="implementation">{n.entry.noteHeading}</h2>
        <p className="muted">{n.entry.noteIntro}</p>
        {d.note ? (
          <>
            <p className="prewrap" dir="auto">
              {d.note.text}
            </p>
            <ul>
              {d.note.sources.map((s) => (
                <li key={s}>
                  <SourceText source={s} />
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {canWrite ? <NoteForm entry={d.entry.id} current={d.note} onSaved={reload} /> : null}
      </section>
      <section aria-labelledby="others">
        <h2 id="others">{n.entry.othersHeading}</h2>
        {d.others.length === 0 ? (
          <p>{n.entry.noOthers}</p>
        ) : (
          <ul className="records">
            {d.others.map((p) => (
              <li key={`${p.state}-${p.origin}`} className="record" id={`pos-${p.state}-${p.origin}`}>
                <h3 className="record-title">
                  <span className="state-code">{p.state}</span> {positionLabel(p.position)}
                </h3>
                <p className="record-subtitle">{n.origins[p.origin]}</p>
                <PositionFacts p={p} />
              </li>
            ))}
          </ul>
        )}
        {d.peerNotes.length ? (
          <>
            <h3>{n.entry.peerNotesHeading}</h3>
            <ul className="records">
              {d.peerNotes.map((note) => (
                <li key={note.state} className="record">
                  <h4 className="record-title">
                    <span className="state-code">{note.state}</span>
                  </h4>
                  <p className="prewrap" dir="auto">
                    {note.text}
                  </p>
                  <ul>
                    {note.sources.map((s) => (
                      <li key={s}>
                        <SourceText source={s} />
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section aria-labelledby="cases">
        <h2 id="cases">{n.entry.casesHeading}</h2>
        {d.invocations.length === 0 ? (
          <p>{n.entry.noCases}</p>
        ) : (
          <ul>
            {d.invocations.map((c) => (
              <li key={`${c.caseType}-${c.caseId}`}>
                {c.caseType === 'consultation' ? (
                  <Link href={`/consultations/${c.caseId}`} dir="auto">
                    {c.title}
                  </Link>
                ) : (
                  <span dir="auto">{c.title}</span>
                )}{' '}
                — {n.entry.caseTypes[c.caseType] ?? c.caseType}, {formatDate(c.createdAt)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}

function EntryText({ detail: d }: { detail: Detail }) {
  const [lang, setLang] = useState('en');
  const text = d.entry.text[lang] ?? d.entry.text.en ?? '';
  return (
    <section aria-labelledby="entry-text">
      <h2 id="entry-text">{n.entry.textHeading}</h2>
      {d.entry.verified ? null : (
        <div className="alert alert-warning">
          <p>
            <UnverifiedBadge /> {d.entry.note ?? n.catalogue.unverifiedHelp}
          </p>
        </div>
      )}
      {d.entry.languages.length > 1 ? (
        <SelectField id="entry-language" label={n.entry.language} value={lang} options={d.entry.languages.map((l) => ({ value: l, label: languageName(l) ?? l }))} onChange={setLang} />
      ) : null}
      <blockquote className="norm-text" lang={lang} dir="auto">
        <p>{text}</p>
      </blockquote>
      <dl className="facts">
        <div>
          <dt>{n.entry.source}</dt>
          <dd>{n.entry.paragraph(d.entry.source.symbol, d.entry.source.paragraph)}</dd>
        </div>
        <div>
          <dt>{n.entry.languages}</dt>
          <dd>{d.entry.languages.map((l) => languageName(l) ?? l).join(', ')}</dd>
        </div>
        {d.entry.overlaps.length ? (
          <div>
            <dt>{n.entry.overlaps}</dt>
            <dd>
              {d.entry.overlaps.map((o, i) => (
                <span key={o}>
                  {i > 0 ? ', ' : null}
                  <Link href={`/norms/entries/${encodeURIComponent(o)}`}>{o}</Link>
                </span>
              ))}
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

function PositionFacts({ p }: { p: Position }) {
  return (
    <dl className="facts">
      <div>
        <dt>{n.entry.positionLabel}</dt>
        <dd>{positionLabel(p.position)}</dd>
      </div>
      {p.statement ? (
        <div>
          <dt>{n.entry.statementLabel}</dt>
          <dd className="prewrap" dir="auto">
            {p.statement}
          </dd>
        </div>
      ) : null}
      <div>
        <dt>{n.entry.source}</dt>
        <dd>
          <SourceText source={p.source} />
        </dd>
      </div>
      {p.date ? (
        <div>
          <dt>{n.entry.dateLabel}</dt>
          <dd>{formatDate(p.date)}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function PositionForm({ entry, current, onSaved }: { entry: string; current: Position | null; onSaved: () => void }) {
  const [position, setPosition] = useState<PositionValue>((current?.position as PositionValue | undefined) ?? 'endorses');
  const [statement, setStatement] = useState(current?.statement ?? '');
  const [source, setSource] = useState(current?.source ?? '');
  const [date, setDate] = useState(current?.date ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const flash = useFlash();
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('setNormPosition', { body: { entry, position, statement, source, date: date || null } });
      flash(n.entry.saved);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary
        error={error}
        fields={[
          { path: 'position', id: 'position', label: n.entry.positionLabel },
          { path: 'statement', id: 'statement', label: n.entry.statementLabel },
          { path: 'source', id: 'source', label: n.entry.sourceLabel },
          { path: 'date', id: 'date', label: n.entry.dateLabel },
        ]}
      />
      <SelectField id="position" label={n.entry.positionLabel} value={position} options={POSITIONS.map((p) => ({ value: p, label: positionLabel(p) }))} onChange={setPosition} errors={errorsFor('position')} />
      <TextArea id="statement" label={n.entry.statementLabel} hint={n.entry.statementHint} maxChars={limits.norms.statement} value={statement} onChange={setStatement} errors={errorsFor('statement')} />
      <TextField id="source" label={n.entry.sourceLabel} hint={n.entry.sourceHint} maxChars={limits.norms.source} value={source} onChange={setSource} errors={errorsFor('source')} />
      <TextField id="date" label={n.entry.dateLabel} hint={n.entry.dateHint} value={date} onChange={setDate} errors={errorsFor('date')} className="input-short" inputMode="numeric" placeholder="YYYY-MM-DD" />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? t.common.saving : n.entry.save}
        </button>
      </div>
    </form>
  );
}

function NoteForm({ entry, current, onSaved }: { entry: string; current: Detail['note']; onSaved: () => void }) {
  const [text, setText] = useState(current?.text ?? '');
  const [sources, setSources] = useState((current?.sources ?? []).join('\n'));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const flash = useFlash();
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = sources.split('\n').map((s) => s.trim()).filter(Boolean);
    const problems = sourcesProblems(list);
    if (problems.length) {
      setError(new ApiError(0, 'validation_failed', t.common.checkFields, problems.map((message) => ({ path: 'sources', message }))));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call('setNormNote', { body: { entry, text, sources: list } });
      flash(n.entry.noteSaved);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary
        error={error}
        fields={[
          { path: 'text', id: 'note-text', label: n.entry.noteLabel },
          { path: 'sources', id: 'note-sources', label: n.entry.sourcesLabel },
        ]}
      />
      <TextArea id="note-text" label={n.entry.noteLabel} maxChars={limits.norms.note} value={text} onChange={setText} errors={errorsFor('text')} />
      <TextArea id="note-sources" label={n.entry.sourcesLabel} hint={n.entry.sourcesHint} maxChars={SOURCES_BOX} value={sources} onChange={setSources} errors={errorsFor('sources')} rows={3} />
      <div className="actions">
        <button type="submit" className="button button-secondary" disabled={busy}>
          {busy ? t.common.saving : n.entry.saveNote}
        </button>
      </div>
    </form>
  );
}

/** A labelled multi-line field with its hint and messages, like TextField. */
function TextArea({
  id,
  label,
  hint,
  value,
  onChange,
  errors,
  rows = 5,
  maxChars,
}: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  errors?: string[] | undefined;
  rows?: number;
  /** The node's limit, in characters (see `useCharacterLimit`). */
  maxChars?: number;
}) {
  const limit = useCharacterLimit(value, onChange, maxChars);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <div className={`field${errorId ? ' field-invalid' : ''}`}>
      <label className="label" htmlFor={id}>
        {label}
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
        rows={rows}
        value={value}
        {...limit}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-invalid={errorId ? true : undefined}
      />
    </div>
  );
}
