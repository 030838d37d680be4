import type { Problem, ResponseOf, RouteName, routes } from '@parley/core';
import type { z } from 'zod';
import { formatTimesIn, messages as t } from '../i18n/index.js';

type Spec<N extends RouteName> = (typeof routes)[N];

/**
 * The routes this interface calls, as [method, path] under /api/v1. The values are written
 * here because the web takes only types from the contract; the type below makes the compiler
 * reject any entry that differs from the route table in @parley/core.
 */
const endpoints = {
  nodeIdentity: ['get', '/node/identity'],
  node: ['get', '/node'],
  session: ['get', '/auth/session'],
  login: ['post', '/auth/login'],
  logout: ['post', '/auth/logout'],
  setupInfo: ['post', '/auth/setup/inspect'],
  setup: ['post', '/auth/setup'],
  listUsers: ['get', '/users'],
  createUser: ['post', '/users'],
  updateUser: ['patch', '/users/{id}'],
  userLink: ['post', '/users/{id}/setup-link'],
  enableUser: ['post', '/users/{id}/enable'],
  unlockUser: ['post', '/users/{id}/unlock'],
  listTokens: ['get', '/tokens'],
  createToken: ['post', '/tokens'],
  revokeToken: ['delete', '/tokens/{id}'],
  listContacts: ['get', '/contacts'],
  createContact: ['post', '/contacts'],
  getContact: ['get', '/contacts/{id}'],
  updateContact: ['patch', '/contacts/{id}'],
  retireContact: ['post', '/contacts/{id}/retire'],
  contactHistory: ['get', '/contacts/{id}/history'],
  listPeers: ['get', '/peers'],
  addPeer: ['post', '/peers'],
  suspendPeer: ['post', '/peers/{code}/suspend'],
  resumePeer: ['post', '/peers/{code}/resume'],
  removePeer: ['delete', '/peers/{code}'],
  federationDirectory: ['get', '/federation/directory'],
  listMessages: ['get', '/messages'],
  listChecks: ['get', '/checks'],
  startCheck: ['post', '/checks'],
  confirmCheck: ['post', '/checks/{id}/confirm'],
  notifications: ['get', '/notifications'],
  // your settings (notification e-mail)
  myPreferences: ['get', '/auth/preferences'],
  updateMyPreferences: ['patch', '/auth/preferences'],
  // norms
  normCatalogue: ['get', '/norms/catalogue'],
  normEntry: ['get', '/norms/entry'],
  setNormPosition: ['post', '/norms/positions'],
  setNormNote: ['post', '/norms/notes'],
  normMatrix: ['get', '/norms/matrix'],
  normInvocations: ['get', '/norms/invocations'],
  previewNormImport: ['post', '/norms/import/preview'],
  importNorms: ['post', '/norms/import'],
  normPublication: ['get', '/norms/publication'],
  setNormPublication: ['post', '/norms/publication'],
  publicNorms: ['get', '/public/norms'],
  // witnessing
  witnessOverview: ['get', '/log/witness'],
  forkEvidence: ['get', '/log/witness/forks/{id}'],
  // proofs
  verifyProof: ['post', '/verify'],
  // consultations
  listConsultations: ['get', '/consultations'],
  createConsultation: ['post', '/consultations'],
  getConsultation: ['get', '/consultations/{id}'],
  updateConsultationDraft: ['patch', '/consultations/{id}'],
  deleteConsultationDraft: ['delete', '/consultations/{id}'],
  sendConsultation: ['post', '/consultations/{id}/send'],
  consultationStep: ['post', '/consultations/{id}/steps'],
  // cooperation requests
  listRequests: ['get', '/requests'],
  createRequest: ['post', '/requests'],
  getRequest: ['get', '/requests/{id}'],
  updateRequestDraft: ['patch', '/requests/{id}'],
  deleteRequestDraft: ['delete', '/requests/{id}'],
  sendRequest: ['post', '/requests/{id}/send'],
  requestStep: ['post', '/requests/{id}/steps'],
  requestStats: ['get', '/request-stats'],
  listLegalBases: ['get', '/legal-bases'],
  setLegalBasis: ['post', '/legal-bases/{code}'],
  removeLegalBasis: ['delete', '/legal-bases/{code}'],
  // evidence (the upload and download are raw; see components/evidence-upload.tsx)
  getEvidence: ['get', '/evidence/{id}'],
} as const satisfies { readonly [N in RouteName]?: readonly [Spec<N>['method'], Spec<N>['path']] };

export type Endpoint = keyof typeof endpoints;
export type BodyOf<N extends Endpoint> = Spec<N> extends { body: z.ZodType } ? z.input<Spec<N>['body']> : undefined;
export type QueryOf<N extends Endpoint> = Spec<N> extends { query: z.ZodType } ? z.input<Spec<N>['query']> : undefined;

export interface FieldIssue {
  path: string;
  message: string;
}

/** An answer other than success, in the terms of RFC 9457: a stable code and a sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** The messages for one form field: issues at `field` or below it (`languages.1`). */
  forField(field: string): string[] {
    return this.issues.filter((i) => i.path === field || i.path.startsWith(`${field}.`)).map((i) => i.message);
  }
}

let csrfToken = '';
let onSignedOut: (() => void) | null = null;

/** The session's CSRF token, for writes made without `call` (a streamed file upload). */
export function currentCsrfToken(): string {
  return csrfToken;
}

/** Every write with the session cookie carries the session's CSRF token. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the node answers that the session is gone (expired, or the account disabled). */
export function onSessionEnded(handler: (() => void) | null): void {
  onSignedOut = handler;
}

// Calls where a 401 is an expected answer, not a lost session.
const signInCalls = new Set<Endpoint>(['nodeIdentity', 'session', 'login', 'setupInfo', 'setup']);

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).detail === 'string';
}

export async function call<N extends Endpoint>(
  name: N,
  options: { id?: string; code?: string; body?: BodyOf<N>; query?: QueryOf<N> } = {},
): Promise<ResponseOf<N>> {
  const [method, template] = endpoints[name];
  let path = `/api/v1${template.replace('{id}', encodeURIComponent(options.id ?? '')).replace('{code}', encodeURIComponent(options.code ?? ''))}`;
  if (options.query) {
    const params = new URLSearchParams(
      Object.entries(options.query as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    path += `?${params.toString()}`;
  }
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (method !== 'get' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let res: Response;
  try {
    res = await fetch(path, {
      method: method.toUpperCase(),
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', t.errors.network);
  }

  if (res.status === 204) return undefined as ResponseOf<N>;
  const payload: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    if (payload === undefined) throw new ApiError(res.status, 'unreadable', t.errors.unreadable);
    return payload as ResponseOf<N>;
  }
  // The node's sentences write times as it stores them ("choose a date on or after 2027-01-24");
  // a person reads them in the interface's one format.
  const error = isProblem(payload)
    ? new ApiError(
        res.status,
        payload.code,
        formatTimesIn(payload.detail),
        (payload.errors ?? []).map((i) => ({ ...i, message: formatTimesIn(i.message) })),
      )
    : new ApiError(res.status, `http_${res.status}`, t.errors.status(res.status));
  if (res.status === 401 && !signInCalls.has(name)) onSignedOut?.();
  throw error;
}

/** The sentence to show for anything a call threw. */
export function describeError(e: unknown): string {
  // An id that is none reaches the node only from an address typed or cut short by hand: to the
  // person, that address has no page, whatever the API calls it.
  if (e instanceof ApiError && e.code === 'invalid_id') return t.errors.notFound;
  return e instanceof ApiError ? e.detail : t.errors.unexpected;
}
