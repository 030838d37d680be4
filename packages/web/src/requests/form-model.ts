import type { BodyOf } from '../api/client.js';
import type { LegalInstrument, RequestChannel, RequestKind } from './values.js';

/*
 * The request form as plain data, apart from React: what a draft holds, how it becomes the body
 * the node takes, which fields each type of request requires, and how a follow-up starts from an
 * earlier request. Unit-tested in form-model.test.ts.
 */

export type TlpLevel = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';
export type Urgency = 'urgent' | 'high' | 'routine';

export interface Contact {
  name: string;
  position: string;
  phone: string;
  email: string;
  officeHours: string;
  timeZone: string;
  preferredChannel: string;
}

export interface Related {
  request: string | null;
  reference: string;
  kind: RequestKind | null;
  note: string;
}

export interface FormValue {
  reference: string;
  requestingAuthority: string;
  investigatingAuthority: string;
  prosecutorOrCourt: string;
  caseNumber: string;
  proceedings: string;
  offence: string;
  legalBasis: { instruments: LegalInstrument[]; articles: string; channel: RequestChannel | null };
  dataSought: string;
  linkToOffence: string;
  custodianOrLocation: string;
  persons: string;
  necessity: string;
  procedure: string;
  riskToLife: string;
  mlaToFollow: boolean | null;
  confidentiality: string;
  timeLimits: string;
  related: Related[];
  contact: Contact;
}

export interface Draft {
  kind: RequestKind | null;
  recipient: string;
  title: string;
  summary: string;
  urgency: Urgency;
  tlp: TlpLevel;
  /** A datetime-local value, in the browser's time zone. */
  responseRequestedBy: string;
  form: FormValue;
  evidence: string[];
}

export const emptyContact = (): Contact => ({ name: '', position: '', phone: '', email: '', officeHours: '', timeZone: '', preferredChannel: '' });

export function emptyForm(): FormValue {
  return {
    reference: '',
    requestingAuthority: '',
    investigatingAuthority: '',
    prosecutorOrCourt: '',
    caseNumber: '',
    proceedings: '',
    offence: '',
    legalBasis: { instruments: [], articles: '', channel: null },
    dataSought: '',
    linkToOffence: '',
    custodianOrLocation: '',
    persons: '',
    necessity: '',
    procedure: '',
    riskToLife: '',
    mlaToFollow: null,
    confidentiality: '',
    timeLimits: '',
    related: [],
    contact: emptyContact(),
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The form of a stored request (typed `unknown` by the contract), read defensively: a field the
 * node did not send is empty rather than undefined.
 */
export function formOf(stored: unknown): FormValue {
  const f = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const base = emptyForm();
  const lb = (typeof f.legalBasis === 'object' && f.legalBasis !== null ? f.legalBasis : {}) as Record<string, unknown>;
  const c = (typeof f.contact === 'object' && f.contact !== null ? f.contact : {}) as Record<string, unknown>;
  const text = Object.fromEntries(
    (Object.keys(base) as (keyof FormValue)[]).filter((key) => typeof base[key] === 'string').map((key) => [key, str(f[key])]),
  ) as Pick<FormValue, { [K in keyof FormValue]: FormValue[K] extends string ? K : never }[keyof FormValue]>;
  return {
    ...base,
    ...text,
    legalBasis: {
      instruments: Array.isArray(lb.instruments) ? (lb.instruments.filter((x) => typeof x === 'string') as LegalInstrument[]) : [],
      articles: str(lb.articles),
      channel: typeof lb.channel === 'string' ? (lb.channel as RequestChannel) : null,
    },
    mlaToFollow: typeof f.mlaToFollow === 'boolean' ? f.mlaToFollow : null,
    related: Array.isArray(f.related)
      ? f.related.map((x: unknown) => {
          const r = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
          return { request: typeof r.request === 'string' ? r.request : null, reference: str(r.reference), kind: typeof r.kind === 'string' ? (r.kind as RequestKind) : null, note: str(r.note) };
        })
      : [],
    contact: {
      name: str(c.name),
      position: str(c.position),
      phone: str(c.phone),
      email: str(c.email),
      officeHours: str(c.officeHours),
      timeZone: str(c.timeZone),
      preferredChannel: str(c.preferredChannel),
    },
  };
}

type CreateBody = Exclude<BodyOf<'createRequest'>, undefined>;

/** The body of POST /requests (and, with the version, PATCH /requests/{id}) for a draft whose type is chosen. */
export function bodyOf(d: Draft & { kind: RequestKind }, responseRequestedBy: string | null): Omit<CreateBody, 'send'> {
  return {
    kind: d.kind,
    recipient: d.recipient,
    title: d.title,
    summary: d.summary,
    urgency: d.urgency,
    tlp: d.tlp,
    responseRequestedBy,
    form: d.form,
    evidence: d.evidence,
  };
}

// ---- what each type requires ------------------------------------------------------------------

/** How a field stands for a type of request: needed to send, advised, one of two needed, or free. */
export type Requirement = 'required' | 'recommended' | 'either' | 'optional';

const COMMON_REQUIRED = ['title', 'summary', 'form.requestingAuthority', 'form.contact.name', 'form.contact.timeZone'];
const COMMON_RECOMMENDED = ['form.contact.officeHours', 'form.reference', 'form.confidentiality'];

/**
 * The fields each type requires and recommends, as the node checks them before sending
 * (core domain/cooperation.ts `completeness`, after the T-CY forms and the content of a mutual
 * legal assistance request). The node's check is the authority; this marks the form in advance.
 */
const RULES: Record<RequestKind, { required: string[]; recommended: string[]; either: string[] }> = {
  preservation: {
    required: [...COMMON_REQUIRED, 'form.offence', 'form.dataSought', 'form.linkToOffence', 'form.custodianOrLocation', 'form.necessity', 'form.mlaToFollow'],
    recommended: COMMON_RECOMMENDED,
    either: ['form.contact.phone', 'form.contact.email'],
  },
  disclosure: {
    required: [...COMMON_REQUIRED, 'form.offence', 'form.dataSought', 'form.linkToOffence'],
    recommended: [...COMMON_RECOMMENDED, 'form.related'],
    either: ['form.contact.phone', 'form.contact.email'],
  },
  mla: {
    required: [...COMMON_REQUIRED, 'form.proceedings', 'form.offence', 'form.legalBasis.instruments', 'form.dataSought', 'form.linkToOffence'],
    recommended: [...COMMON_RECOMMENDED, 'form.persons', 'form.custodianOrLocation', 'form.timeLimits'],
    either: ['form.contact.phone', 'form.contact.email'],
  },
  emergency: {
    required: [...COMMON_REQUIRED, 'form.riskToLife', 'form.dataSought', 'form.custodianOrLocation'],
    recommended: [...COMMON_RECOMMENDED, 'form.offence'],
    either: ['form.contact.phone', 'form.contact.email'],
  },
  spontaneous: {
    required: ['title', 'summary'],
    recommended: ['form.requestingAuthority'],
    either: [],
  },
};

export function requirement(kind: RequestKind, field: string): Requirement {
  const r = RULES[kind];
  if (r.required.includes(field)) return 'required';
  if (r.either.includes(field)) return 'either';
  if (r.recommended.includes(field)) return 'recommended';
  return 'optional';
}

/** The required fields of a type, in the order of the form. */
export function requiredFields(kind: RequestKind): string[] {
  return [...RULES[kind].required, ...RULES[kind].either.slice(0, 1)];
}

/** Everything the form may ask, in its order; also the order of the check before sending. */
export const FIELD_ORDER = [
  'kind',
  'recipient',
  'form.reference',
  'form.requestingAuthority',
  'form.investigatingAuthority',
  'form.prosecutorOrCourt',
  'form.caseNumber',
  'form.legalBasis.instruments',
  'form.legalBasis.articles',
  'form.legalBasis.channel',
  'title',
  'summary',
  'form.proceedings',
  'form.offence',
  'form.riskToLife',
  'form.dataSought',
  'form.linkToOffence',
  'form.custodianOrLocation',
  'form.persons',
  'form.necessity',
  'form.procedure',
  'form.mlaToFollow',
  'urgency',
  'tlp',
  'form.confidentiality',
  'form.timeLimits',
  'responseRequestedBy',
  'form.related',
  'form.contact.name',
  'form.contact.position',
  'form.contact.phone',
  'form.contact.email',
  'form.contact.officeHours',
  'form.contact.timeZone',
  'form.contact.preferredChannel',
  'evidence',
] as const;

/** The id of the input for a field path such as `form.contact.phone` (`request-form-contact-phone`). */
export function fieldId(path: string): string {
  return `request-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/**
 * The input a path the node names should lead to: the field itself, or the nearest field above it
 * (`form.related.2.reference` → the related requests), or null when the form has no such field.
 */
export function fieldIdFor(path: string): string | null {
  const known = new Set<string>(FIELD_ORDER);
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const p = parts.slice(0, n).join('.');
    if (known.has(p)) return fieldId(p);
  }
  return null;
}

// ---- follow-ups ---------------------------------------------------------------------------------

export interface Earlier {
  id: string;
  kind: RequestKind;
  side: 'raiser' | 'recipient';
  counterpart: string | null;
  title: string;
  summary: string;
  tlp: TlpLevel;
  form: unknown;
}

/**
 * A new request that follows an earlier one (a mutual legal assistance request after a
 * preservation, a disclosure after it): addressed to the same state and naming the earlier
 * request. When this state made the earlier request, its reference, authorities, facts and
 * contact carry over; a request received from the other state lends only its reference.
 */
export function followUp(base: Draft, kind: RequestKind, earlier: Earlier): Draft {
  const before = formOf(earlier.form);
  const related: Related = { request: earlier.id, reference: before.reference, kind: earlier.kind, note: '' };
  const draft: Draft = { ...base, kind, recipient: earlier.counterpart ?? base.recipient, form: { ...base.form, related: [related] } };
  if (earlier.side !== 'raiser') return draft;
  return {
    ...draft,
    title: earlier.title,
    summary: earlier.summary,
    tlp: earlier.tlp,
    form: {
      ...draft.form,
      reference: before.reference,
      requestingAuthority: before.requestingAuthority,
      investigatingAuthority: before.investigatingAuthority,
      prosecutorOrCourt: before.prosecutorOrCourt,
      caseNumber: before.caseNumber,
      proceedings: before.proceedings,
      offence: before.offence,
      legalBasis: before.legalBasis.instruments.length ? before.legalBasis : draft.form.legalBasis,
      dataSought: before.dataSought,
      linkToOffence: before.linkToOffence,
      custodianOrLocation: before.custodianOrLocation,
      persons: before.persons,
      confidentiality: before.confidentiality,
      contact: before.contact.name ? before.contact : draft.form.contact,
    },
  };
}

/** Whether the officer has set any part of the legal basis (then the recorded one is not put over it). */
export function legalBasisSet(f: FormValue): boolean {
  return f.legalBasis.instruments.length > 0 || f.legalBasis.articles.trim() !== '' || f.legalBasis.channel !== null;
}
