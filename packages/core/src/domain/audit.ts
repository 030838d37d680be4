import type { AuditEntry } from '../api/schemas.js';
import { forbidden } from '../errors.js';
import type { DomainContext, RequestMeta } from './context.js';
import { actorLabel, may, type Actor, type Permission } from './policies.js';
import type { AuditRecord, Store } from './ports.js';

export function assertMay(actor: Actor, permission: Permission): void {
  if (!may(actor, permission)) {
    throw forbidden('forbidden', `Your role does not allow this (${permission}). Ask an administrator of this node.`);
  }
}

/** Who the audit trail names for what the node did by itself, on no one's request: a receipt that arrived late, say. */
export const NODE_ACTOR = 'node';

export async function record(
  tx: Store,
  ctx: DomainContext,
  actor: Actor,
  meta: RequestMeta,
  change: { action: string; entityType: string; entityId: string; before: unknown; after: unknown },
): Promise<void> {
  await tx.audit.append({ at: ctx.now(), actor: actorLabel(actor), requestId: meta.requestId, ...change });
}

export function presentAudit(r: AuditRecord): AuditEntry {
  return { ...r, at: r.at.toISOString() };
}

export async function listAudit(
  ctx: DomainContext,
  actor: Actor,
  filter: { entityType?: string | undefined; entityId?: string | undefined; limit: number },
): Promise<AuditEntry[]> {
  assertMay(actor, 'audit.read');
  return (await ctx.store.audit.list(filter)).map(presentAudit);
}
