import { z } from 'zod';
import type { Permission } from '../domain/policies.js';
import * as s from './schemas.js';

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
  body?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType | null;
  status?: 200 | 201;
}

const idParam = '{id}';

export const routes = {
  node: { method: 'get', path: '/node', summary: "This node's state, name and key fingerprint", tag: 'node', access: 'node.read', response: s.nodeInfo },

  session: { method: 'get', path: '/auth/session', summary: 'The signed-in user and the CSRF token for writes', tag: 'auth', access: 'session', response: s.sessionInfo },
  login: { method: 'post', path: '/auth/login', summary: 'Sign in with e-mail and password; sets the session cookie', tag: 'auth', access: 'public', body: s.loginRequest, response: s.sessionInfo },
  logout: { method: 'post', path: '/auth/logout', summary: 'End the session', tag: 'auth', access: 'session', response: null },
  setupInfo: { method: 'post', path: '/auth/setup/inspect', summary: 'What a one-time setup link is for (the secret travels in the body, never in a URL)', tag: 'auth', access: 'public', body: z.strictObject({ token: z.string().min(20).max(200) }), response: s.setupLinkInfo },
  setup: { method: 'post', path: '/auth/setup', summary: 'Use a one-time link to set a password (first administrator, invitation or reset)', tag: 'auth', access: 'public', body: s.setupRequest, response: s.sessionInfo },

  listUsers: { method: 'get', path: '/users', summary: 'All accounts on this node', tag: 'users', access: 'users.manage', response: s.userList },
  createUser: { method: 'post', path: '/users', summary: 'Invite a person; returns a one-time setup link', tag: 'users', access: 'users.manage', body: s.createUserRequest, response: s.userWithLink, status: 201 },
  updateUser: { method: 'patch', path: `/users/${idParam}`, summary: 'Change name, role or status', tag: 'users', access: 'users.manage', body: s.updateUserRequest, response: s.user },
  userLink: { method: 'post', path: `/users/${idParam}/setup-link`, summary: 'A new one-time setup link (invitation or password reset)', tag: 'users', access: 'users.manage', response: s.userWithLink },

  listTokens: { method: 'get', path: '/tokens', summary: 'Your API tokens', tag: 'tokens', access: 'tokens.own', response: s.tokenList },
  createToken: { method: 'post', path: '/tokens', summary: 'Create an API token; the secret is shown once', tag: 'tokens', access: 'tokens.own', body: s.createTokenRequest, response: s.createdToken, status: 201 },
  revokeToken: { method: 'delete', path: `/tokens/${idParam}`, summary: 'Revoke an API token', tag: 'tokens', access: 'tokens.own', response: s.apiToken },

  listContacts: { method: 'get', path: '/contacts', summary: "This state's points of contact", tag: 'contacts', access: 'contacts.read', query: s.contactListQuery, response: s.contactList },
  createContact: { method: 'post', path: '/contacts', summary: 'Add a point of contact', tag: 'contacts', access: 'contacts.write', body: s.createContactRequest, response: s.contact, status: 201 },
  getContact: { method: 'get', path: `/contacts/${idParam}`, summary: 'One point of contact', tag: 'contacts', access: 'contacts.read', response: s.contact },
  updateContact: { method: 'patch', path: `/contacts/${idParam}`, summary: 'Edit a point of contact (optimistic concurrency by version)', tag: 'contacts', access: 'contacts.write', body: s.updateContactRequest, response: s.contact },
  retireContact: { method: 'post', path: `/contacts/${idParam}/retire`, summary: 'Retire a point of contact; it stays in the record', tag: 'contacts', access: 'contacts.write', body: z.strictObject({ version: z.number().int().positive() }), response: s.contact },
  contactHistory: { method: 'get', path: `/contacts/${idParam}/history`, summary: 'Every change to a point of contact: who, when, before and after', tag: 'contacts', access: 'contacts.read', response: s.auditList },

  audit: { method: 'get', path: '/audit', summary: 'The audit trail', tag: 'audit', access: 'audit.read', query: s.auditQuery, response: s.auditList },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;
export type ResponseOf<N extends RouteName> = (typeof routes)[N]['response'] extends z.ZodType ? z.infer<(typeof routes)[N]['response']> : void;
