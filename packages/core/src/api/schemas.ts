import { z } from 'zod';
import { limits } from '@parley/protocol';
import { email, languageCode, password, phone, requiredText, role, text, timeZone, uuid } from './fields.js';

// ---- health and node ------------------------------------------------------

export const health = z.object({
  status: z.enum(['ok']),
  state: z.string(),
  version: z.string(),
  store: z.enum(['pglite', 'postgres']),
});
export type Health = z.infer<typeof health>;

export const nodeInfo = z.object({
  stateCode: z.string(),
  stateName: z.string().describe('Official English short name, or the test-state label.'),
  name: z.string(),
  isTestState: z.boolean(),
  fingerprint: z.string().describe('SHA256:<base64> of the raw Ed25519 public key.'),
  publicKey: z.string().describe('Raw Ed25519 public key, base64url.'),
  version: z.string(),
  createdAt: z.string(),
  deliveryHours: z.number().describe('Hours this node keeps retrying a message a peer has not receipted before it gives up (PARLEY_DELIVERY_HOURS).'),
});
export type NodeInfo = z.infer<typeof nodeInfo>;
export const nodeIdentity = nodeInfo.pick({ stateCode: true, stateName: true, name: true, isTestState: true });

// ---- accounts -------------------------------------------------------------

export const user = z.object({
  id: uuid,
  email: z.string(),
  displayName: z.string(),
  role,
  status: z.enum(['active', 'disabled', 'invited']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof user>;

export const loginRequest = z.strictObject({ email, password: z.string().min(1, 'Enter your password.').max(limits.account.password) });
export const sessionInfo = z.object({ user, csrfToken: z.string() });
export type SessionInfo = z.infer<typeof sessionInfo>;

export const setupRequest = z.strictObject({
  token: z.string().min(20).max(200),
  email: email.optional().describe('Required for the first administrator; ignored for invited users.'),
  displayName: text(limits.account.displayName, 'Name').optional(),
  password,
});

export const setupLinkInfo = z.object({
  purpose: z.enum(['first-admin', 'invite', 'reset']),
  email: z.string().optional(),
  expiresAt: z.string(),
});

export const createUserRequest = z.strictObject({
  email,
  displayName: requiredText(limits.account.displayName, 'Name'),
  role,
});
export const updateUserRequest = z.strictObject({
  displayName: requiredText(limits.account.displayName, 'Name').optional(),
  role: role.optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export const userWithLink = z.object({
  user,
  setupLink: z.string().describe('One-time link for the user to set a password; shown once.'),
  expiresAt: z.string(),
});
/** An account as its administrators see it, with its sign-in lockout. */
export const listedUser = user.extend({
  lockedUntil: z.string().nullable().describe('Until when sign-ins to the account are refused after too many failed ones; null when they are not.'),
});
export type ListedUser = z.infer<typeof listedUser>;
export const userList = z.object({ users: z.array(listedUser) });

export const apiToken = z.object({
  id: uuid,
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to recognise it.'),
  userId: uuid,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;
export const createTokenRequest = z.strictObject({ name: requiredText(limits.account.tokenName, 'Token name') });
export const createdToken = z.object({ token: apiToken, secret: z.string().describe('The bearer token; shown once.') });
export const tokenList = z.object({ tokens: z.array(apiToken) });

// ---- contact directory ----------------------------------------------------

export const contactKind = z.enum(['diplomatic', 'technical', 'law_enforcement_24_7', 'central_authority']);
export type ContactKind = z.infer<typeof contactKind>;

const contactFields = z.strictObject({
  kind: contactKind,
  name: requiredText(limits.contact.name, 'Name'),
  organisation: requiredText(limits.contact.organisation, 'Organisation'),
  position: text(limits.contact.position, 'Position'),
  email,
  phone,
  languages: z
    .array(languageCode)
    .min(1, 'Give at least one operational language.')
    .max(limits.contact.languages, `At most ${limits.contact.languages} languages.`)
    .refine((l) => new Set(l).size === l.length, 'A language is listed twice.'),
  timeZone,
  hours: text(limits.contact.hours, 'Office hours'),
  available24x7: z.boolean(),
});

// The 24/7 networks of the cybercrime conventions exist to be reachable at any hour.
const reachable = (c: { kind?: ContactKind | undefined; available24x7?: boolean | undefined }) =>
  !(c.kind === 'law_enforcement_24_7' && c.available24x7 === false);
const reachableIssue = { message: 'A law-enforcement 24/7 point of contact must be reachable 24/7.', path: ['available24x7'] };

export const createContactRequest = contactFields
  .extend({ position: contactFields.shape.position.default(''), hours: contactFields.shape.hours.default('') })
  .refine(reachable, reachableIssue);
export type CreateContact = z.output<typeof createContactRequest>;

/** A partial edit; the merged record is checked again by the domain before it is stored. */
export const updateContactRequest = contactFields
  .partial()
  .extend({ version: z.number().int().positive().describe('The version you edited; a newer one on the server is a conflict.') })
  .refine(reachable, reachableIssue);
export type UpdateContact = z.output<typeof updateContactRequest>;

export const contact = z.object({
  id: uuid,
  kind: contactKind,
  name: z.string(),
  organisation: z.string(),
  position: z.string(),
  email: z.string(),
  phone: z.string(),
  languages: z.array(z.string()),
  timeZone: z.string(),
  hours: z.string(),
  available24x7: z.boolean(),
  status: z.enum(['active', 'retired']),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  retiredAt: z.string().nullable(),
  verifiedAt: z.string().nullable().describe('When a person behind this contact last confirmed a communication check; null when unverified.'),
});
export type Contact = z.infer<typeof contact>;
export const contactList = z.object({ contacts: z.array(contact) });
export const contactListQuery = z.strictObject({ status: z.enum(['active', 'retired', 'all']).default('active') });

// ---- audit ----------------------------------------------------------------

export const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string().describe('E-mail of the user, "local-cli" for the node operator, or "node" for what the node did by itself (a receipt that arrived after its message was given up).'),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditList = z.object({ entries: z.array(auditEntry) });
export const auditQuery = z.strictObject({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

// ---- problems (RFC 9457) ----------------------------------------------------

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string().describe('Stable machine-readable error code.'),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  expected: z.string().optional().describe('fingerprint_mismatch: the fingerprint that was entered'),
  presented: z.string().optional().describe('fingerprint_mismatch: the fingerprint of the key the peer presented'),
});
export type Problem = z.infer<typeof problem>;

// ---- federation -------------------------------------------------------------

export const peer = z.object({
  stateCode: z.string(),
  name: z.string(),
  url: z.string(),
  fingerprint: z.string(),
  isTestState: z.boolean(),
  status: z.enum(['trusted', 'suspended']),
  addedAt: z.string(),
  updatedAt: z.string(),
});
export type Peer = z.infer<typeof peer>;
/** A peer as listed, with what removing it would revoke and give up. */
export const listedPeer = peer.extend({
  evidenceGrants: z.number().int().min(0).describe('How many evidence files this peer may fetch from this node: those sent to it. Removing the peer revokes them.'),
  queuedMessages: z.number().int().min(0).describe('How many messages to this peer are queued, not yet delivered. Removing the peer gives them up (failed, the officers told); suspending it keeps them queued until it is resumed or the delivery period ends.'),
});
export type ListedPeer = z.infer<typeof listedPeer>;
export const peerList = z.object({ peers: z.array(listedPeer) });
export const addPeerRequest = z.strictObject({
  url: z.string().trim().min(1, 'Give the peer node’s URL.').max(limits.peerUrl, `A node’s address has at most ${limits.peerUrl} characters; give its base address, such as https://parley.mfa.example.`),
  fingerprint: z.string().trim().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A fingerprint looks like SHA256: followed by 43 characters; copy it exactly as the other state gave it.'),
});

/** A point of contact as its state published it to peers: the record without local bookkeeping. */
export const publishedContact = contact.omit({ status: true, version: true, createdAt: true, retiredAt: true });
export const peerDirectory = z.object({
  stateCode: z.string(),
  name: z.string(),
  isTestState: z.boolean(),
  publishedAt: z.string(),
  receivedAt: z.string(),
  contacts: z.array(publishedContact),
});
export const federationDirectory = z.object({ states: z.array(peerDirectory) });

export const outboxMessage = z.object({
  id: z.string(),
  recipient: z.string(),
  type: z.string(),
  hash: z.string(),
  status: z.enum(['queued', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  hasReceipt: z.boolean(),
  givenUpAt: z
    .string()
    .nullable()
    .describe('When this node gave the message up. On a delivered message: its receipt arrived only afterwards (its peer was removed while the delivery was in flight), and lastError says why it had been given up.'),
});
export const outboxList = z.object({ messages: z.array(outboxMessage) });
export const outboxQuery = z.strictObject({
  recipient: z.string().regex(/^[A-Z]{3}$/).optional(),
  status: z.enum(['queued', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const check = z.object({
  id: z.string(),
  direction: z.enum(['outgoing', 'incoming']),
  peer: z.string(),
  startedBy: z.string(),
  startedAt: z.string(),
  deadline: z.string(),
  note: z.string(),
  deliveredAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedBy: z.string().nullable(),
  confirmedContact: z
    .string()
    .nullable()
    .describe("The point of contact the confirmation was made for, by id: this state's own for an incoming check; for an outgoing one, one in the peer's directory as this node holds it. Null when the confirmation named none, or one not in that directory."),
  confirmedContactUnlisted: z.boolean().describe("The peer's confirmation named a point of contact that is not in its directory as this node holds it: a person confirmed, for a contact this node does not know."),
  deliverySeconds: z.number().nullable(),
  confirmationSeconds: z.number().nullable(),
  status: z.enum(['sending', 'delivered', 'confirmed', 'confirmed_late', 'missed']),
});
export type Check = z.infer<typeof check>;
export const checkList = z.object({ checks: z.array(check) });
export const checkQuery = z.strictObject({
  direction: z.enum(['outgoing', 'incoming']).optional(),
  peer: z.string().regex(/^[A-Z]{3}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const startCheckRequest = z.strictObject({
  peers: z.array(z.string().regex(/^[A-Z]{3}$/, 'Use the peer’s state code, such as XAB.')).max(200).optional().describe('Omit to check every trusted peer.'),
  minutes: z
    .number()
    .int()
    .min(limits.check.minutesMin, `Give at least ${limits.check.minutesMin} minutes.`)
    .max(limits.check.minutesMax, `Give at most ${limits.check.minutesMax} minutes (${limits.check.minutesMax / (24 * 60)} days).`)
    .optional()
    .describe('Time to confirm; 120 minutes when omitted.'),
  note: text(limits.check.note, 'The note').optional(),
});
export const confirmCheckRequest = z.strictObject({
  contact: z.uuid('Choose the point of contact you answer for.'),
  confirmedBy: text(limits.check.confirmedBy, 'Your name').pipe(z.string().min(1, 'Give your name.')),
});

export const notification = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  message: z.string(),
  link: z.string().nullable(),
});
export const notificationList = z.object({ notifications: z.array(notification) });
