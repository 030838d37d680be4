import type { Contact, ContactKind } from '@parley/core';
import type { ReactNode } from 'react';
import { formatDate, languageName, messages as t } from '../i18n/index.js';

/** The kinds of point of contact, in the order pages list them. */
export const contactKinds: readonly ContactKind[] = ['diplomatic', 'technical', 'law_enforcement_24_7', 'central_authority'];

/** "French (fr)": the name people know, with the code the node stores. */
export function languageLabel(code: string): string {
  const name = languageName(code);
  return name && name !== code ? `${name} (${code})` : code;
}

type Facts = Pick<Contact, 'email' | 'phone' | 'languages' | 'timeZone' | 'hours' | 'available24x7'>;

/**
 * Position and organisation, each in its own direction: either may be written in a script that
 * reads right to left, and the other not.
 */
export function ContactRole({ contact: c }: { contact: Pick<Contact, 'position' | 'organisation'> }) {
  return (
    <>
      {[c.position, c.organisation]
        .filter(Boolean)
        .map((part, i) => (
          <span key={i}>
            {i > 0 ? ', ' : null}
            <span dir="auto">{part}</span>
          </span>
        ))}
    </>
  );
}

/**
 * Whether a person behind the contact has confirmed a communication check since it last changed.
 * The words carry the meaning; the mark and the colour only repeat it.
 */
export function VerificationBadge({ verifiedAt }: { verifiedAt: string | null }) {
  return (
    <p className="verification">
      {verifiedAt ? (
        <span className="badge badge-verified">
          <span aria-hidden="true">✓ </span>
          {t.contacts.verified(formatDate(verifiedAt))}
        </span>
      ) : (
        <span className="badge badge-unverified" title={t.contacts.unverifiedHelp}>
          {t.contacts.unverified}
        </span>
      )}
    </p>
  );
}

/** How to reach a point of contact: the same facts in this state's list and in the directory of states. */
export function ContactFacts({ contact: c, children }: { contact: Facts; children?: ReactNode }) {
  const f = t.contacts.fields;
  return (
    <dl className="record-facts">
      <div>
        <dt>{f.email}</dt>
        <dd className="break">
          <a href={`mailto:${c.email}`}>{c.email}</a>
        </dd>
      </div>
      <div>
        <dt>{f.phone}</dt>
        <dd>
          <a href={`tel:${c.phone.replace(/[^+0-9]/g, '')}`}>{c.phone}</a>
        </dd>
      </div>
      <div>
        <dt>{f.languages}</dt>
        <dd>{c.languages.map(languageLabel).join(', ')}</dd>
      </div>
      <div>
        <dt>{f.timeZone}</dt>
        <dd>{c.timeZone}</dd>
      </div>
      {c.hours ? (
        <div>
          <dt>{f.hours}</dt>
          <dd dir="auto">{c.hours}</dd>
        </div>
      ) : null}
      <div>
        <dt>{f.available24x7}</dt>
        <dd>{c.available24x7 ? t.common.yes : t.common.no}</dd>
      </div>
      {children}
    </dl>
  );
}
