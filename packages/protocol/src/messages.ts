import { z } from 'zod';
import { limits } from './limits.js';
import { consultationMessages } from './messages/consultations.js';
import { normMessages } from './messages/norms.js';
import { cooperationMessages } from './messages/cooperation.js';
import { unstorableText } from './text.js';
import { isoTime } from './messages/time.js';

/**
 * Bodies of the envelope types this version of the protocol defines. A receiver refuses a type
 * it does not know and a body that does not match its schema.
 */
const publishedContact = z.object({
  id: z.uuid(),
  kind: z.enum(['diplomatic', 'technical', 'law_enforcement_24_7', 'central_authority']),
  name: z.string().max(limits.contact.name),
  organisation: z.string().max(limits.contact.organisation),
  position: z.string().max(limits.contact.position),
  email: z.string().max(limits.contact.email),
  phone: z.string().max(limits.contact.phone),
  languages: z.array(z.string().max(3)).max(limits.contact.languages),
  timeZone: z.string().max(limits.contact.timeZone),
  hours: z.string().max(limits.contact.hours),
  available24x7: z.boolean(),
  verifiedAt: isoTime.nullable(),
  updatedAt: isoTime,
});
export type PublishedContact = z.infer<typeof publishedContact>;

const bodies = {
  /** The sender's whole current directory of points of contact; a newer one replaces an older one. */
  'directory.update': z.strictObject({
    publishedAt: isoTime,
    contacts: z.array(publishedContact).max(500),
  }),
  /** A communication check: a person at the receiving state is asked to confirm by hand before the deadline. */
  'check.request': z.strictObject({
    check: z.uuid(),
    deadline: isoTime,
    note: z.string().max(limits.check.note),
  }),
  /** A person's confirmation of a check, naming the point of contact who answered. */
  'check.response': z.strictObject({
    check: z.uuid(),
    confirmedAt: isoTime,
    confirmedBy: z.string().max(limits.check.confirmedBy),
    contact: z.uuid().nullable(),
  }),
  /** A new node key, announced in an envelope signed by the old one. */
  'key.rotate': z.strictObject({
    publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    fingerprint: z.string(),
    effective: isoTime,
  }),
  ...consultationMessages,
  ...normMessages,
  ...cooperationMessages,
} as const;

/**
 * Every body schema also refuses, anywhere in the body, text that is not storable (U+0000 or a
 * lone surrogate, see text.ts): a receiver answers `schema_invalid` before storing anything, and
 * a sender cannot sign such a body. The published JSON Schemas cannot say this; protocol §3 does.
 */
function storable<T extends Record<string, z.ZodType>>(schemas: T): T {
  const refine = (value: unknown, ctx: z.RefinementCtx) => {
    for (const issue of unstorableText(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  };
  return Object.fromEntries(Object.entries(schemas).map(([type, schema]) => [type, schema.superRefine(refine)])) as T;
}

export const messageBodies = storable(bodies);

export type MessageType = keyof typeof messageBodies;
export type MessageBody<T extends MessageType> = z.infer<(typeof messageBodies)[T]>;

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messageBodies, type);
}
