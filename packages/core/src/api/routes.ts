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

  listPeers: { method: 'get', path: '/peers', summary: 'Peer states this node trusts or has suspended', tag: 'federation', access: 'federation.read', response: s.peerList },
  addPeer: { method: 'post', path: '/peers', summary: 'Trust a peer by URL and the key fingerprint received out of band', tag: 'federation', access: 'peers.manage', body: s.addPeerRequest, response: s.peer, status: 201 },
  suspendPeer: { method: 'post', path: `/peers/${codeParam}/suspend`, summary: 'Stop accepting and sending messages for a peer', tag: 'federation', access: 'peers.manage', response: s.peer },
  resumePeer: { method: 'post', path: `/peers/${codeParam}/resume`, summary: 'Trust a suspended peer again', tag: 'federation', access: 'peers.manage', response: s.peer },
  removePeer: { method: 'delete', path: `/peers/${codeParam}`, summary: 'Remove a peer', tag: 'federation', access: 'peers.manage', response: null },
  federationDirectory: { method: 'get', path: '/federation/directory', summary: "Every peer state's points of contact as that state published them", tag: 'federation', access: 'federation.read', response: s.federationDirectory },
  listMessages: { method: 'get', path: '/messages', summary: 'Messages this node sent and their delivery status', tag: 'federation', access: 'federation.read', query: s.outboxQuery, response: s.outboxList },
  listChecks: { method: 'get', path: '/checks', summary: 'Communication checks, sent and received', tag: 'checks', access: 'federation.read', query: s.checkQuery, response: s.checkList },
  startCheck: { method: 'post', path: '/checks', summary: 'Start a communication check with one peer, several, or all', tag: 'checks', access: 'checks.start', body: s.startCheckRequest, response: s.checkList, status: 201 },
  confirmCheck: { method: 'post', path: `/checks/${idParam}/confirm`, summary: 'Confirm, by hand, a check received from a peer', tag: 'checks', access: 'checks.confirm', body: s.confirmCheckRequest, response: s.check },
  notifications: { method: 'get', path: '/notifications', summary: 'Notifications for your role', tag: 'notifications', access: 'session', response: s.notificationList },

  audit: { method: 'get', path: '/audit', summary: 'The audit trail', tag: 'audit', access: 'audit.read', query: s.auditQuery, response: s.auditList },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;
export type ResponseOf<N extends RouteName> = (typeof routes)[N]['response'] extends z.ZodType ? z.infer<(typeof routes)[N]['response']> : void;
