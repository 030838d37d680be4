import type { Evidence } from '@parley/core';
import { Link } from 'wouter';
import { ConfirmStep } from '../consultations/parts.js';
import { tlpLevels } from '../consultations/values.js';
import { messages as t } from '../i18n/index.js';
import { formatSize } from './evidence-size.js';
import { EvidenceUpload } from './evidence-upload.js';
import { Page } from './page.js';
import { TlpBadge, type TlpLevel } from './tlp-badge.js';

/*
 * The parts of the form of a draft case that consultations and cooperation requests share: the
 * page of a case that is no longer a draft, the warning that there is nobody to send to, the
 * marking, the evidence files attached, and saving, sending or leaving the draft.
 */

/** The form's page for a case that has been sent, which can no longer be edited. */
export function NotADraft({ words, href, title }: { words: { notADraft: string }; href: string; title: string }) {
  return (
    <Page title={t.drafts.edit}>
      <p>{words.notADraft}</p>
      <p>
        <Link href={href} dir="auto">
          {title}
        </Link>
      </p>
    </Page>
  );
}

/** Nobody to send to yet: the node has no trusted peer. */
export function NoPeersWarning({ words }: { words: { noPeers: string; goToPeers: string } }) {
  return (
    <div className="alert alert-warning">
      <p>{words.noPeers}</p>
      <p>
        <Link href="/peers">{words.goToPeers}</Link>
      </p>
    </div>
  );
}

/** The TLP marking, each level with its definition; the first option has the field's `id`, the others `optionId(level)`. */
export function TlpChoice({
  id,
  legend,
  hint,
  value,
  onChange,
  errors,
  optionId,
}: {
  id: string;
  legend: string;
  hint: string;
  value: TlpLevel;
  onChange: (level: TlpLevel) => void;
  errors: string[] | undefined;
  optionId: (level: TlpLevel) => string;
}) {
  return (
    <fieldset className={`field fieldset${errors?.length ? ' field-invalid' : ''}`} aria-describedby={`${id}-hint`}>
      <legend className="label">{legend}</legend>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      {tlpLevels.map((level, i) => {
        const inputId = i === 0 ? id : optionId(level);
        return (
          <div className="radio" key={level}>
            <input type="radio" id={inputId} name={id} value={level} checked={value === level} onChange={() => onChange(level)} />
            <label htmlFor={inputId}>
              <TlpBadge level={level} withDefinition />
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}

/** The evidence files attached to a draft, each with the way to detach it, and the upload of another. */
export function AttachedEvidence({
  id,
  errors,
  attached,
  words,
  caseId,
  onDetach,
  onUploaded,
}: {
  id: string;
  errors: string[] | undefined;
  attached: Evidence[];
  words: { chosen: (n: number) => string; detach: string; detachNamed: (name: string) => string; none: string; sentLater: string };
  caseId: string | undefined;
  onDetach: (file: Evidence) => void;
  onUploaded: (file: Evidence) => void;
}) {
  return (
    <div id={id} tabIndex={-1} className={errors?.length ? 'field field-invalid' : 'field'}>
      {errors?.length ? <p className="field-message">{errors.join(' ')}</p> : null}
      {attached.length ? (
        <ul className="records evidence-attached" aria-label={words.chosen(attached.length)}>
          {attached.map((f) => (
            <li key={f.id} className="record">
              <p className="record-title record-title-small break">
                <span dir="auto">{f.name}</span> <span className="muted">{formatSize(f.size)}</span>
                {f.malware ? (
                  <>
                    {' '}
                    <span className="badge badge-malware">{t.evidence.malwareBadge}</span>
                  </>
                ) : null}
              </p>
              <p className="mono small">{f.sha256}</p>
              <p>
                <button type="button" className="button button-secondary button-small" aria-label={words.detachNamed(f.name)} onClick={() => onDetach(f)}>
                  {words.detach}
                </button>
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p>{words.none}</p>
      )}
      <p className="hint">{words.sentLater}</p>
      <EvidenceUpload caseId={caseId} onUploaded={onUploaded} />
    </div>
  );
}

/** Saving the draft (the form's submit), sending it once the person confirms, or leaving it. */
export function DraftActions({
  busy,
  question,
  check,
  onSend,
  cancelHref,
}: {
  busy: string | null;
  question: string;
  check: () => boolean;
  onSend: () => void;
  cancelHref: string;
}) {
  const d = t.drafts;
  return (
    <div className="actions form-actions">
      <button type="submit" className="button button-secondary" disabled={busy !== null}>
        {busy === 'save' ? d.saving : d.saveDraft}
      </button>
      <ConfirmStep
        label={d.send}
        groupLabel={d.sendGroup}
        question={question}
        confirmLabel={d.sendNow}
        busyLabel={d.sending}
        busy={busy !== null}
        check={check}
        onConfirm={onSend}
      />
      <Link href={cancelHref} className="button button-secondary">
        {t.common.cancel}
      </Link>
    </div>
  );
}
