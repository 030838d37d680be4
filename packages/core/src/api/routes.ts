import { z } from 'zod';
import type { Permission } from '../domain/policies.js';
import * as s from './schemas.js';
import { proofBundleSchema } from '@parley/protocol';
import { proofQuery, verifyRequest, verifyResponse } from './proof-schemas.js';
import * as ev from './evidence-schemas.js';
import * as cs from './consultations.js';
import * as co from './cooperation.js';
import * as norms from '../norms/schemas.js';
import * as w from './witness.js';
import * as mail from './mail-schemas.js';

/**
 * The HTTP contract of /api/v1: one entry per route. The server validates against it,
 * the OpenAPI document is generated from it, and the web client takes its types from it.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** `public` needs no sign-in; `session` needs any signed-in user; otherwise the permission. */
  access: 'public' | 'session' | Permission;
  /**
   * Only for a person signed in, never for an API token: a token that leaked must not make a way in
   * that outlives its revocation (another token, an account, a setup link) nor lift what stands in
   * the way of one (a sign-in lockout).
   */
  sessionOnly?: true;
  body?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType | null;
  status?: 200 | 201;
  /** A raw (not JSON) request body of this media type, streamed by the route's own handler. */
  rawBody?: string;
  /** A raw (not JSON) response of this media type. */
  rawResponse?: string;
}

const idParam = '{id}';
const codeParam = '{code}';

export const routes = {
  nodeIdentity: { method: 'get', path: '/node/identity', summary: 'Which state this node is, and whether it is a test state; public, for the sign-in page', tag: 'node', access: 'public', response: s.nodeIdentity },
  node: { method: 'get', path: '/node', summary: "This node's state, name and key fingerprint", tag: 'node', access: 'node.read', response: s.nodeInfo },

  session: { method: 'get', path: '/auth/session', summary: 'The signed-in user and the CSRF token for writes', tag: 'auth', access: 'session', response: s.sessionInfo },
  login: { method: 'post', path: '/auth/login', summary: 'Sign in with e-mail and password; sets the session cookie', tag: 'auth', access: 'public', body: s.loginRequest, response: s.sessionInfo },
  logout: { method: 'post', path: '/auth/logout', summary: 'End the session', tag: 'auth', access: 'session', response: null },
  setupInfo: { method: 'post', path: '/auth/setup/inspect', summary: 'What a one-time setup link is for (the secret travels in the body, never in a URL)', tag: 'auth', access: 'public', body: z.strictObject({ token: z.string().min(20).max(200) }), response: s.setupLinkInfo },
  setup: { method: 'post', path: '/auth/setup', summary: 'Use a one-time link to set a password (first administrator, invitation or reset)', tag: 'auth', access: 'public', body: s.setupRequest, response: s.sessionInfo },

  listUsers: { method: 'get', path: '/users', summary: 'All accounts on this node', tag: 'users', access: 'users.manage', response: s.userList },
  createUser: { method: 'post', path: '/users', summary: 'Invite a person; returns a one-time setup link. Signed in only: an API token cannot make accounts', tag: 'users', access: 'users.manage', sessionOnly: true, body: s.createUserRequest, response: s.userWithLink, status: 201 },
  updateUser: { method: 'patch', path: `/users/${idParam}`, summary: 'Change name or role, or disable the account (enabling it again is POST /users/{id}/enable). An API token may lower a role but not raise one', tag: 'users', access: 'users.manage', body: s.updateUserRequest, response: s.user },
  userLink: { method: 'post', path: `/users/${idParam}/setup-link`, summary: 'A new one-time setup link (invitation or password reset). Signed in only', tag: 'users', access: 'users.manage', sessionOnly: true, response: s.userWithLink },
  enableUser: { method: 'post', path: `/users/${idParam}/enable`, summary: 'Enable a disabled account without its old password; returns a one-time link to set a new one. Signed in only', tag: 'users', access: 'users.manage', sessionOnly: true, response: s.userWithLink },
  unlockUser: { method: 'post', path: `/users/${idParam}/unlock`, summary: 'Lift a sign-in lockout after too many failed sign-ins; the password stays. Signed in only: a lockout holds off password guessing', tag: 'users', access: 'users.manage', sessionOnly: true, response: s.listedUser },

  listTokens: { method: 'get', path: '/tokens', summary: 'Your API tokens', tag: 'tokens', access: 'tokens.own', response: s.tokenList },
  createToken: { method: 'post', path: '/tokens', summary: 'Create an API token; the secret is shown once. Signed in only: an API token cannot create another', tag: 'tokens', access: 'tokens.own', sessionOnly: true, body: s.createTokenRequest, response: s.createdToken, status: 201 },
  revokeToken: { method: 'delete', path: `/tokens/${idParam}`, summary: 'Revoke an API token', tag: 'tokens', access: 'tokens.own', response: s.apiToken },

  listContacts: { method: 'get', path: '/contacts', summary: "This state's points of contact", tag: 'contacts', access: 'contacts.read', query: s.contactListQuery, response: s.contactList },
  createContact: { method: 'post', path: '/contacts', summary: 'Add a point of contact', tag: 'contacts', access: 'contacts.write', body: s.createContactRequest, response: s.contact, status: 201 },
  getContact: { method: 'get', path: `/contacts/${idParam}`, summary: 'One point of contact', tag: 'contacts', access: 'contacts.read', response: s.contact },
  updateContact: { method: 'patch', path: `/contacts/${idParam}`, summary: 'Edit a point of contact (optimistic concurrency by version)', tag: 'contacts', access: 'contacts.write', body: s.updateContactRequest, response: s.contact },
  retireContact: { method: 'post', path: `/contacts/${idParam}/retire`, summary: 'Retire a point of contact; it stays in the record', tag: 'contacts', access: 'contacts.write', body: z.strictObject({ version: z.number().int().positive() }), response: s.contact },
  contactHistory: { method: 'get', path: `/contacts/${idParam}/history`, summary: 'Every change to a point of contact: who, when, before and after', tag: 'contacts', access: 'contacts.read', response: s.auditList },

  listPeers: { method: 'get', path: '/peers', summary: 'Peer states this node trusts or has suspended', tag: 'federation', access: 'federation.read', response: s.peerList },
  addPeer: { method: 'post', path: '/peers', summary: 'Trust a peer by URL and the key fingerprint received out of band', tag: 'federation', access: 'peers.manage', body: s.addPeerRequest, response: s.peer, status: 201 },
  suspendPeer: { method: 'post', path: `/peers/${codeParam}/suspend`, summary: 'Stop accepting and sending messages for a peer', tag: 'federation', access: 'peers.manage', response: s.peer },
  resumePeer: { method: 'post', path: `/peers/${codeParam}/resume`, summary: 'Trust a suspended peer again', tag: 'federation', access: 'peers.manage', response: s.peer },
  removePeer: { method: 'delete', path: `/peers/${codeParam}`, summary: 'Remove a peer; revokes the evidence files it could fetch (sent to it), which adding it again does not give back, and gives up the messages still queued for it', tag: 'federation', access: 'peers.manage', response: null },
  federationDirectory: { method: 'get', path: '/federation/directory', summary: "Every peer state's points of contact as that state published them", tag: 'federation', access: 'federation.read', response: s.federationDirectory },
  listMessages: { method: 'get', path: '/messages', summary: 'Messages this node sent and their delivery status', tag: 'federation', access: 'federation.read', query: s.outboxQuery, response: s.outboxList },
  listChecks: { method: 'get', path: '/checks', summary: 'Communication checks, sent and received', tag: 'checks', access: 'federation.read', query: s.checkQuery, response: s.checkList },
  startCheck: { method: 'post', path: '/checks', summary: 'Start a communication check with one peer, several, or all', tag: 'checks', access: 'checks.start', body: s.startCheckRequest, response: s.checkList, status: 201 },
  confirmCheck: { method: 'post', path: `/checks/${idParam}/confirm`, summary: 'Confirm, by hand, a check received from a peer', tag: 'checks', access: 'checks.confirm', body: s.confirmCheckRequest, response: s.check },
  notifications: { method: 'get', path: '/notifications', summary: 'Notifications for your role', tag: 'notifications', access: 'session', response: s.notificationList },

  // ---- your settings: notification e-mail (domain/mail.ts, server/src/mailer.ts) ----
  myPreferences: { method: 'get', path: '/auth/preferences', summary: 'Your own settings: whether notifications also reach you by e-mail', tag: 'auth', access: 'session', response: mail.myPreferences },
  updateMyPreferences: { method: 'patch', path: '/auth/preferences', summary: 'Change your own settings: turn notification e-mail on or off', tag: 'auth', access: 'session', body: mail.updateMyPreferencesRequest, response: mail.myPreferences },

  // ---- norms of responsible state behaviour (catalogue, positions, matrix, CSV, public page) ----
  normCatalogue: { method: 'get', path: '/norms/catalogue', summary: 'The catalogue of norms: every list and entry, with its source and whether its text is verified', tag: 'norms', access: 'norms.read', response: norms.normCatalogueView },
  normEntry: { method: 'get', path: '/norms/entry', summary: "One entry: text, this state's position and its history, implementation note, other states' positions, cases invoking it", tag: 'norms', access: 'norms.read', query: norms.normEntryQuery, response: norms.normEntryDetail },
  setNormPosition: { method: 'post', path: '/norms/positions', summary: "Set this state's position on an entry (a statement needs its source); published to peers", tag: 'norms', access: 'norms.write', body: norms.setNormPositionRequest, response: norms.normPositionView },
  setNormNote: { method: 'post', path: '/norms/notes', summary: "Set this state's national implementation note on an entry; published to peers", tag: 'norms', access: 'norms.write', body: norms.setNormNoteRequest, response: norms.normNoteView },
  normMatrix: { method: 'get', path: '/norms/matrix', summary: 'States by entries: this state, peers as they published, and positions recorded by this node', tag: 'norms', access: 'norms.read', query: norms.normMatrixQuery, response: norms.normMatrix },
  normInvocations: { method: 'get', path: '/norms/invocations', summary: "How often each entry is invoked by this node's cases", tag: 'norms', access: 'norms.read', response: norms.normInvocationCounts },
  previewNormImport: { method: 'post', path: '/norms/import/preview', summary: 'Check a CSV of positions (state, entry, position, statement, source, date); stores nothing, reports each bad line', tag: 'norms', access: 'norms.write', body: norms.normImportPreviewRequest, response: norms.normImportPreview },
  importNorms: { method: 'post', path: '/norms/import', summary: 'Import a CSV of positions: all or nothing, or only the valid rows', tag: 'norms', access: 'norms.write', body: norms.normImportRequest, response: norms.normImportResult },
  exportNorms: { method: 'get', path: '/norms/export', summary: 'Every position this node holds and its own notes, as JSON (CSV at /norms/export.csv)', tag: 'norms', access: 'norms.read', response: norms.normExport },
  normPublication: { method: 'get', path: '/norms/publication', summary: 'Whether the catalogue and own positions are published on the public page', tag: 'norms', access: 'norms.read', response: norms.normPublication },
  setNormPublication: { method: 'post', path: '/norms/publication', summary: 'Publish or withdraw the public, read-only page of own positions', tag: 'norms', access: 'norms.publish', body: norms.setNormPublicationRequest, response: norms.normPublication },
  publicNorms: { method: 'get', path: '/public/norms', summary: "The catalogue and this state's positions, without sign-in, once an administrator published them", tag: 'norms', access: 'public', response: norms.publicNorms },

  // consultations
  listConsultations: { method: 'get', path: '/consultations', summary: 'Consultations received (inbox), raised (outbox) and drafts, with filters and full-text search', tag: 'consultations', access: 'consultations.read', query: cs.consultationListQuery, response: cs.consultationList },
  createConsultation: { method: 'post', path: '/consultations', summary: 'Draft a consultation with one or more states; with send: true, send it at once', tag: 'consultations', access: 'consultations.write', body: cs.createConsultationRequest, response: cs.consultationDetail, status: 201 },
  getConsultation: { method: 'get', path: `/consultations/${idParam}`, summary: 'One consultation with its timeline, evidence and thread integrity', tag: 'consultations', access: 'consultations.read', response: cs.consultationDetail },
  updateConsultationDraft: { method: 'patch', path: `/consultations/${idParam}`, summary: 'Edit a draft (optimistic concurrency by version)', tag: 'consultations', access: 'consultations.write', body: cs.updateDraftRequest, response: cs.consultationDetail },
  deleteConsultationDraft: { method: 'delete', path: `/consultations/${idParam}`, summary: 'Delete a draft; a sent consultation stays in the record', tag: 'consultations', access: 'consultations.write', response: null },
  sendConsultation: { method: 'post', path: `/consultations/${idParam}/send`, summary: 'Send a draft to each of its addressees', tag: 'consultations', access: 'consultations.write', response: cs.consultationDetail },
  parseIndicators: { method: 'post', path: '/indicators/parse', summary: 'Recognise indicators in pasted text; each line that is not one is explained', tag: 'consultations', access: 'consultations.read', body: cs.parseIndicatorsRequest, response: cs.parsedIndicators },
  importStixIndicators: { method: 'post', path: '/indicators/stix', summary: 'Read the indicators of a STIX 2.1 bundle; a bundle that is not valid STIX 2.1 is refused with each problem', tag: 'consultations', access: 'consultations.read', body: cs.importStixRequest, response: cs.parsedIndicators },
  exportConsultationJson: { method: 'get', path: `/consultations/${idParam}/export.json`, summary: 'The consultation as JSON with every envelope, signature and receipt', tag: 'consultations', access: 'consultations.read', response: null, rawResponse: 'application/json' },
  exportConsultationPdf: { method: 'get', path: `/consultations/${idParam}/export.pdf`, summary: 'The consultation as a printable PDF case file', tag: 'consultations', access: 'consultations.read', response: null, rawResponse: 'application/pdf' },
  exportConsultationStix: { method: 'get', path: `/consultations/${idParam}/stix`, summary: "The consultation's indicators as a STIX 2.1 bundle", tag: 'consultations', access: 'consultations.read', response: null, rawResponse: 'application/stix+json;version=2.1' },
  consultationStep: { method: 'post', path: `/consultations/${idParam}/steps`, summary: 'Acknowledge, respond, ask for information, write, reply on attribution, close or withdraw', tag: 'consultations', access: 'consultations.write', body: cs.consultationStepRequest, response: cs.consultationDetail },
  // cooperation requests on information crimes (domain/cooperation.ts)
  listRequests: { method: 'get', path: '/requests', summary: 'Cooperation requests received (inbox), sent (outbox) and drafts, by type, status, state and deadline', tag: 'requests', access: 'requests.read', query: co.requestListQuery, response: co.requestList },
  createRequest: { method: 'post', path: '/requests', summary: 'Draft a preservation, disclosure, mutual legal assistance or emergency request, or spontaneous information; with send: true, send it at once', tag: 'requests', access: 'requests.write', body: co.createRequestBody, response: co.requestDetail, status: 201 },
  getRequest: { method: 'get', path: `/requests/${idParam}`, summary: 'One request with its form, decision, preservation clock, chain of custody and timeline', tag: 'requests', access: 'requests.read', response: co.requestDetail },
  updateRequestDraft: { method: 'patch', path: `/requests/${idParam}`, summary: 'Edit a draft request (optimistic concurrency by version)', tag: 'requests', access: 'requests.write', body: co.updateRequestBody, response: co.requestDetail },
  deleteRequestDraft: { method: 'delete', path: `/requests/${idParam}`, summary: 'Delete a draft request; a sent one stays in the record', tag: 'requests', access: 'requests.write', response: null },
  sendRequest: { method: 'post', path: `/requests/${idParam}/send`, summary: 'Send a draft request; refused, with each missing item, when required content is missing', tag: 'requests', access: 'requests.write', response: co.requestDetail },
  requestStep: { method: 'post', path: `/requests/${idParam}/steps`, summary: 'Acknowledge, ask for or give information, consult, decide, return evidence, extend a preservation, close or withdraw', tag: 'requests', access: 'requests.write', body: co.requestStepBody, response: co.requestDetail },
  exportRequestPdf: { method: 'get', path: `/requests/${idParam}/export.pdf`, summary: 'The request as a printable PDF in the layout of the standard request forms', tag: 'requests', access: 'requests.read', response: null, rawResponse: 'application/pdf' },
  exportRequestJson: { method: 'get', path: `/requests/${idParam}/export.json`, summary: 'The request as JSON with every envelope, signature and receipt', tag: 'requests', access: 'requests.read', response: null, rawResponse: 'application/json' },
  requestStats: { method: 'get', path: '/request-stats', summary: 'Response times per state and request type, both directions', tag: 'requests', access: 'requests.read', response: co.requestStats },
  listLegalBases: { method: 'get', path: '/legal-bases', summary: 'For each other state: the instruments that found cooperation with it and the channel requests use', tag: 'requests', access: 'requests.read', response: co.legalBasisList },
  setLegalBasis: { method: 'post', path: `/legal-bases/${codeParam}`, summary: 'Record the legal basis and channel for cooperation with one state', tag: 'requests', access: 'requests.configure', body: co.legalBasisBody, response: co.legalBasis },
  removeLegalBasis: { method: 'delete', path: `/legal-bases/${codeParam}`, summary: 'Forget the legal basis recorded for one state', tag: 'requests', access: 'requests.configure', response: null },

  audit: { method: 'get', path: '/audit', summary: 'The audit trail', tag: 'audit', access: 'audit.read', query: s.auditQuery, response: s.auditList },

  // ---- witnessing: peers' logs this node witnesses, cosignatures of its own, fork evidence (§9.5) ----
  witnessOverview: { method: 'get', path: '/log/witness', summary: "Witnessing: each peer's log as last witnessed, cosignatures of this node's log, and any fork evidence", tag: 'log', access: 'federation.read', response: w.witnessOverviewResponse },
  forkEvidence: { method: 'get', path: `/log/witness/forks/${idParam}`, summary: 'One piece of fork evidence: two contradicting signed checkpoints, where and when each was seen', tag: 'log', access: 'federation.read', response: w.forkEvidence },

  // ---- evidence files (raw bodies: mounted by server/src/routes/evidence.ts, not by mount()) ----
  uploadEvidence: { method: 'post', path: '/evidence', summary: 'Upload an evidence file as the raw request body (application/octet-stream), streamed and hashed on the way; the same content is stored once', tag: 'evidence', access: 'evidence.upload', query: ev.evidenceUploadQuery, response: ev.evidence, status: 201, rawBody: 'application/octet-stream' },
  getEvidence: { method: 'get', path: `/evidence/${idParam}`, summary: 'One evidence item: hash, size, name, malware mark, and whether it has arrived', tag: 'evidence', access: 'evidence.read', response: ev.evidence },
  downloadEvidence: { method: 'get', path: `/evidence/${idParam}/content`, summary: 'Download an evidence file, always as an attachment of type application/octet-stream; malware samples are marked', tag: 'evidence', access: 'evidence.read', response: null, rawResponse: 'application/octet-stream' },

  // ---- proofs (domain/proofs.ts; docs/verification.md) ----
  messageProof: { method: 'get', path: '/proofs/messages/{hash}', summary: "A proof bundle for one message this node sent or received: both signatures, both parties' keys and inclusion proofs in both logs", tag: 'proofs', access: 'proofs.read', query: proofQuery, response: proofBundleSchema },
  verifyProof: { method: 'post', path: '/verify', summary: 'Check a proof bundle, for anyone (no sign-in): the same verifier as `parley verify`', tag: 'proofs', access: 'public', body: verifyRequest, response: verifyResponse },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;
export type ResponseOf<N extends RouteName> = (typeof routes)[N]['response'] extends z.ZodType ? z.infer<(typeof routes)[N]['response']> : void;
