import type { fields, permissions } from '@parley/core';

export type Role = fields.Role;

/** The permissions by which the interface decides what to show; add one here when a page needs it. */
export type UiPermission =
  | 'contacts.read'
  | 'contacts.write'
  | 'users.manage'
  | 'tokens.own'
  | 'federation.read'
  | 'peers.manage'
  | 'checks.start'
  | 'checks.confirm'
  | 'norms.read'
  | 'norms.write'
  | 'norms.publish'
  | 'consultations.read'
  | 'consultations.write'
  | 'requests.read'
  | 'requests.write'
  | 'requests.configure';

/**
 * The node decides what each role may do; the interface only hides what the node would refuse.
 * The type makes the compiler reject this table as soon as it differs from core's policy, while
 * permissions the interface does not use yet can be added to core freely.
 */
const grants: { readonly [P in UiPermission]: (typeof permissions)[P] } = {
  'contacts.read': ['viewer', 'officer', 'admin'],
  'contacts.write': ['officer', 'admin'],
  'users.manage': ['admin'],
  'tokens.own': ['viewer', 'officer', 'admin'],
  'federation.read': ['viewer', 'officer', 'admin'],
  'peers.manage': ['admin'],
  'checks.start': ['officer', 'admin'],
  'checks.confirm': ['officer', 'admin'],
  'norms.read': ['viewer', 'officer', 'admin'],
  'norms.write': ['officer', 'admin'],
  'norms.publish': ['admin'],
  'consultations.read': ['viewer', 'officer', 'admin'],
  'consultations.write': ['officer', 'admin'],
  'requests.read': ['viewer', 'officer', 'admin'],
  'requests.write': ['officer', 'admin'],
  'requests.configure': ['admin'],
};

export function may(role: Role, permission: UiPermission): boolean {
  return (grants[permission] as readonly Role[]).includes(role);
}
