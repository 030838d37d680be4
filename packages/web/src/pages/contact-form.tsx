import type { Contact, ContactKind } from '@parley/core';
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, call } from '../api/client.js';
import { ErrorSummary, type FieldRef, LoadStatus, VersionConflict } from '../components/alerts.js';
import { CheckboxField, RadioGroup, TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { messages as t } from '../i18n/index.js';
import { languageSuggestions, resolveLanguage } from '../languages.js';
import { limits } from '../limits.js';
import { useLoad } from '../use-load.js';
import { contactKinds, languageLabel } from '../components/contact-card.js';

interface Draft {
  kind: ContactKind;
  name: string;
  organisation: string;
  position: string;
  email: string;
  phone: string;
  languages: string[];
  timeZone: string;
  hours: string;
  available24x7: boolean;
}

const c = t.contacts;

const fieldRefs = (): FieldRef[] => [
  { path: 'kind', id: 'contact-kind', label: c.fields.kind },
  { path: 'name', id: 'contact-name', label: c.fields.name },
  { path: 'organisation', id: 'contact-organisation', label: c.fields.organisation },
  { path: 'position', id: 'contact-position', label: c.fields.position },
  { path: 'email', id: 'contact-email', label: c.fields.email },
  { path: 'phone', id: 'contact-phone', label: c.fields.phone },
  { path: 'languages', id: 'contact-language-input', label: c.fields.languages },
  { path: 'timeZone', id: 'contact-time-zone', label: c.fields.timeZone },
  { path: 'hours', id: 'contact-hours', label: c.fields.hours },
  { path: 'available24x7', id: 'contact-available', label: c.fields.available24x7 },
];

let zones: string[] | null = null;
function timeZones(): string[] {
  zones ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
  return zones;
}

function browserTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return tz && timeZones().includes(tz) ? tz : 'UTC';
}

function draftOf(contact?: Contact): Draft {
  if (!contact) {
    return {
      kind: 'diplomatic',
      name: '',
      organisation: '',
      position: '',
      email: '',
      phone: '',
      languages: [],
      timeZone: browserTimeZone(),
      hours: '',
      available24x7: false,
    };
  }
  const { kind, name, organisation, position, email, phone, languages, timeZone, hours, available24x7 } = contact;
  return { kind, name, organisation, position, email, phone, languages: [...languages], timeZone, hours, available24x7 };
}

/** Adding (`id` absent) or editing a point of contact. */
export function ContactFormPage({ id }: { id?: string }) {
  const { result, reload } = useLoad(() => (id ? call('getContact', { id }) : Promise.resolve(undefined)), [id]);
  if (!id) return <ContactForm />;
  const title = result.status === 'ready' && result.data ? c.editTitle(result.data.name) : c.edit;
  return result.status === 'ready' && result.data ? (
    <ContactForm key={result.data.version} contact={result.data} onReload={reload} />
  ) : (
    <Page title={title}>
      <LoadStatus result={result} />
      <p>
        <Link href="/contacts">{c.backToList}</Link>
      </p>
    </Page>
  );
}

function ContactForm({ contact, onReload }: { contact?: Contact; onReload?: () => void }) {
  const [, navigate] = useLocation();
  const flash = useFlash();
  const [draft, setDraft] = useState<Draft>(() => draftOf(contact));
  const [pendingLanguage, setPendingLanguage] = useState('');
  const [languageError, setLanguageError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const datalistIds = { languages: useId(), zones: useId() };

  const update = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  /** Adds what is typed in the language box; returns the new list, or null when it is not a language. */
  const addPending = (): string[] | null => {
    const code = resolveLanguage(pendingLanguage);
    if (!code) {
      setLanguageError(c.languageUnknown);
      return null;
    }
    if (draft.languages.includes(code)) {
      setLanguageError(c.languageTwice);
      return null;
    }
    const languages = [...draft.languages, code];
    setDraft((d) => ({ ...d, languages }));
    setPendingLanguage('');
    setLanguageError(null);
    setAnnouncement(c.languageAdded(languageLabel(code)));
    return languages;
  };

  const removeLanguage = (code: string) => {
    setDraft((d) => ({ ...d, languages: d.languages.filter((l) => l !== code) }));
    setAnnouncement(c.languageRemoved(languageLabel(code)));
    document.getElementById('contact-language-input')?.focus();
  };

  const onLanguageKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      // Enter here adds the language rather than sending the whole form.
      e.preventDefault();
      addPending();
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLanguageError(null);
    let languages = draft.languages;
    const typed = pendingLanguage.trim() ? resolveLanguage(pendingLanguage) : null;
    if (typed && draft.languages.includes(typed)) {
      // What was typed is in the list already, which is what the person wants: nothing to add.
      setPendingLanguage('');
    } else if (pendingLanguage.trim()) {
      // A language typed but not yet added is clearly meant to be in the list.
      const added = addPending();
      if (!added) {
        setError(new ApiError(0, 'validation_failed', t.common.checkFields, [{ path: 'languages', message: c.languageUnknown }]));
        return;
      }
      languages = added;
    }
    const body = { ...draft, languages };
    setBusy(true);
    setError(null);
    try {
      const saved = contact
        ? await call('updateContact', { id: contact.id, body: { ...body, version: contact.version } })
        : await call('createContact', { body });
      flash(contact ? c.updated(saved.name) : c.created(saved.name), '/contacts');
      navigate('/contacts');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  // Messages about one entry of the list say which entry they are about.
  const languageErrors =
    error instanceof ApiError
      ? error.issues
          .filter((i) => i.path === 'languages' || i.path.startsWith('languages.'))
          .map((i) => {
            const n = Number(i.path.split('.')[1]);
            return Number.isInteger(n) ? c.languageEntry(n + 1, i.message) : i.message;
          })
      : [];
  const conflict = error instanceof ApiError && error.code === 'version_conflict';

  return (
    <Page title={contact ? c.editTitle(contact.name) : c.newTitle}>
      {conflict && onReload ? <VersionConflict words={c} onReload={onReload} /> : <ErrorSummary error={error} fields={fieldRefs()} />}
      {contact?.verifiedAt ? (
        <div className="alert alert-info">
          <p>{c.editUnverifies}</p>
        </div>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <RadioGroup
          id="contact-kind"
          legend={c.fields.kind}
          value={draft.kind}
          options={contactKinds.map((k) => ({ value: k, label: c.kinds[k], hint: c.kindHelp[k] }))}
          onChange={update('kind')}
          errors={errorsFor('kind')}
        />
        <TextField id="contact-name" label={c.fields.name} hint={c.hints.name} maxChars={limits.contact.name} value={draft.name} onChange={update('name')} errors={errorsFor('name')} />
        <TextField
          id="contact-organisation"
          label={c.fields.organisation}
          autoComplete="organization"
          maxChars={limits.contact.organisation}
          value={draft.organisation}
          onChange={update('organisation')}
          errors={errorsFor('organisation')}
        />
        <TextField
          id="contact-position"
          label={c.fields.position}
          optional
          autoComplete="organization-title"
          maxChars={limits.contact.position}
          value={draft.position}
          onChange={update('position')}
          errors={errorsFor('position')}
        />
        <TextField
          id="contact-email"
          label={c.fields.email}
          type="email"
          autoComplete="email"
          spellCheck={false}
          maxChars={limits.contact.email}
          value={draft.email}
          onChange={update('email')}
          errors={errorsFor('email')}
        />
        <TextField
          id="contact-phone"
          label={c.fields.phone}
          hint={c.hints.phone}
          type="tel"
          autoComplete="tel"
          maxChars={limits.contact.phone}
          value={draft.phone}
          onChange={update('phone')}
          errors={errorsFor('phone')}
        />

        <fieldset
          className={`field fieldset${languageErrors.length || languageError ? ' field-invalid' : ''}`}
          aria-describedby={['contact-languages-hint', languageErrors.length ? 'contact-languages-error' : ''].filter(Boolean).join(' ')}
        >
          <legend className="label">{c.fields.languages}</legend>
          <p className="hint" id="contact-languages-hint">
            {c.hints.languages}
          </p>
          {languageErrors.length ? (
            <p className="field-message" id="contact-languages-error">
              {languageErrors.join(' ')}
            </p>
          ) : null}
          {draft.languages.length ? (
            <ul className="chips">
              {draft.languages.map((code) => (
                <li key={code} className="chip">
                  <span>{languageLabel(code)}</span>
                  <button type="button" className="chip-remove" onClick={() => removeLanguage(code)} aria-label={c.removeLanguage(languageLabel(code))}>
                    <span aria-hidden="true">×</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{c.noLanguages}</p>
          )}
          <label className="label label-secondary" htmlFor="contact-language-input">
            {c.languageInput}
          </label>
          {languageError ? (
            <p className="field-message" id="contact-language-input-error">
              {languageError}
            </p>
          ) : null}
          <div className="inline-controls">
            <input
              className="input input-short"
              id="contact-language-input"
              type="text"
              list={datalistIds.languages}
              autoComplete="off"
              spellCheck={false}
              value={pendingLanguage}
              onChange={(e) => {
                setPendingLanguage(e.target.value);
                // A message about what was typed before no longer applies.
                setLanguageError(null);
              }}
              onKeyDown={onLanguageKey}
              aria-invalid={languageError ? true : undefined}
              aria-describedby={languageError ? 'contact-language-input-error' : undefined}
            />
            <button type="button" className="button button-secondary" onClick={() => void addPending()}>
              {c.addLanguage}
            </button>
          </div>
          <datalist id={datalistIds.languages}>
            {languageSuggestions().map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </datalist>
          <p className="visually-hidden" role="status">
            {announcement}
          </p>
        </fieldset>

        <TextField
          id="contact-time-zone"
          label={c.fields.timeZone}
          hint={c.hints.timeZone}
          list={datalistIds.zones}
          autoComplete="off"
          spellCheck={false}
          className="input-medium"
          value={draft.timeZone}
          onChange={update('timeZone')}
          errors={errorsFor('timeZone')}
        />
        <datalist id={datalistIds.zones}>
          {timeZones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <TextField id="contact-hours" label={c.fields.hours} hint={c.hints.hours} optional maxChars={limits.contact.hours} value={draft.hours} onChange={update('hours')} errors={errorsFor('hours')} />
        <CheckboxField
          id="contact-available"
          label={c.fields.available24x7}
          hint={c.hints.available24x7}
          checked={draft.available24x7}
          onChange={update('available24x7')}
          errors={errorsFor('available24x7')}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.common.saving : contact ? t.common.save : c.create}
          </button>
          <Link href="/contacts" className="button button-secondary">
            {t.common.cancel}
          </Link>
        </div>
      </form>
    </Page>
  );
}
