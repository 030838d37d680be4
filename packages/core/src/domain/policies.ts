import type { Role } from '../api/fields.js';

/**
 * Who may do what, in one place. Routes name a permission; nothing else decides.
 * Viewers read; officers also keep the directory; administrators also manage accounts.
 */
export const permissions = {
  'node.read': ['viewer', 'officer', 'admin'],
  'contacts.read': ['viewer', 'officer', 'admin'],
  'contacts.write': ['officer', 'admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  'tokens.own': ['viewer', 'officer', 'admin'],
  'federation.read': ['viewer', 'officer', 'admin'],
  'peers.manage': ['admin'],
  'checks.start': ['officer', 'admin'],
  'checks.confirm': ['officer', 'admin'],
  // Proof bundles of messages (domain/proofs.ts).
  'proofs.read': ['viewer', 'officer', 'admin'],
  'consultations.read': ['viewer', 'officer', 'admin'],
  'consultations.write': ['officer', 'admin'],
  // cooperation requests on information crimes; administrators record the legal basis per state
  'requests.read': ['viewer', 'officer', 'admin'],
  'requests.write': ['officer', 'admin'],
  'requests.configure': ['admin'],
  // evidence
  'evidence.read': ['viewer', 'officer', 'admin'],
  'evidence.upload': ['officer', 'admin'],
  // norms: everyone reads the catalogue and positions; officers keep them; only administrators publish them to the public
  'norms.read': ['viewer', 'officer', 'admin'],
  'norms.write': ['officer', 'admin'],
  'norms.publish': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

/** The person or process a request acts for. The local operator is whoever holds the data directory. */
export type Actor =
  | { type: 'user'; userId: string; email: string; role: Role }
  | { type: 'operator' };

export function may(actor: Actor, permission: Permission): boolean {
  if (actor.type === 'operator') return true;
  return (permissions[permission] as readonly Role[]).includes(actor.role);
}

export function actorLabel(actor: Actor): string {
  return actor.type === 'operator' ? 'local-cli' : actor.email;
}
