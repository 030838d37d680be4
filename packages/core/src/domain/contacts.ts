import { randomUUID } from 'node:crypto';
import { createContactRequest, type Contact, type CreateContact, type UpdateContact } from '../api/schemas.js';
import { conflict, invalid, notFound } from '../errors.js';
import { assertMay, record } from './audit.js';
import type { DomainContext, RequestMeta } from './context.js';
import type { Actor } from './policies.js';
import { publishDirectory } from './federation.js';
import type { ContactRecord } from './ports.js';

export function presentContact(c: ContactRecord): Contact {
  return {
    ...c,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    retiredAt: c.retiredAt?.toISOString() ?? null,
    verifiedAt: c.verifiedAt?.toISOString() ?? null,
  };
}

export async function listContacts(ctx: DomainContext, actor: Actor, status: 'active' | 'retired' | 'all'): Promise<Contact[]> {
  assertMay(actor, 'contacts.read');
  return (await ctx.store.contacts.list(status)).map(presentContact);
}

export async function getContact(ctx: DomainContext, actor: Actor, id: string): Promise<Contact> {
  assertMay(actor, 'contacts.read');
  const c = await ctx.store.contacts.byId(id);
  if (!c) throw notFound('contact_not_found', 'No such point of contact.');
  return presentContact(c);
}

export async function createContact(ctx: DomainContext, actor: Actor, input: CreateContact, meta: RequestMeta): Promise<Contact> {
  assertMay(actor, 'contacts.write');
  const now = ctx.now();
  const contact: ContactRecord = { id: randomUUID(), ...input, status: 'active', version: 1, createdAt: now, updatedAt: now, retiredAt: null, verifiedAt: null };
  await ctx.store.transaction(async (tx) => {
    await tx.contacts.insert(contact);
    await record(tx, ctx, actor, meta, { action: 'contact.create', entityType: 'contact', entityId: contact.id, before: null, after: presentContact(contact) });
    await publishDirectory(tx, ctx);
  });
  ctx.onQueued?.();
  return presentContact(contact);
}

async function change(
  ctx: DomainContext,
  actor: Actor,
  id: string,
  version: number,
  action: string,
  apply: (c: ContactRecord, now: Date) => ContactRecord,
  meta: RequestMeta,
): Promise<Contact> {
  assertMay(actor, 'contacts.write');
  const result = await ctx.store.transaction(async (tx) => {
    const before = await tx.contacts.byId(id);
    if (!before) throw notFound('contact_not_found', 'No such point of contact.');
    if (before.status === 'retired') throw conflict('contact_retired', 'This point of contact is retired and can no longer be changed. Add a new one instead.');
    if (before.version !== version) {
      throw conflict('version_conflict', 'Someone changed this point of contact after you opened it. Reload to see their change, then edit again.');
    }
    const after = { ...apply(before, ctx.now()), version: before.version + 1 };
    if (!(await tx.contacts.update(after, before.version))) {
      throw conflict('version_conflict', 'Someone changed this point of contact after you opened it. Reload to see their change, then edit again.');
    }
    await record(tx, ctx, actor, meta, { action, entityType: 'contact', entityId: id, before: presentContact(before), after: presentContact(after) });
    await publishDirectory(tx, ctx);
    return presentContact(after);
  });
  ctx.onQueued?.();
  return result;
}

export async function updateContact(ctx: DomainContext, actor: Actor, id: string, patch: UpdateContact, meta: RequestMeta): Promise<Contact> {
  const { version, ...fields } = patch;
  return change(ctx, actor, id, version, 'contact.update', (before, now) => {
    const merged = { ...before, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
    // The rules that span fields (a 24/7 contact must be reachable 24/7) hold for the merged record too.
    const checked = createContactRequest.safeParse({
      kind: merged.kind,
      name: merged.name,
      organisation: merged.organisation,
      position: merged.position,
      email: merged.email,
      phone: merged.phone,
      languages: merged.languages,
      timeZone: merged.timeZone,
      hours: merged.hours,
      available24x7: merged.available24x7,
    });
    if (!checked.success) {
      throw invalid(
        'validation_failed',
        'The edited point of contact is not valid.',
        checked.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    // A changed contact is unverified until a person behind it confirms a communication check again.
    return { ...before, ...checked.data, updatedAt: now, verifiedAt: null };
  }, meta);
}

export async function retireContact(ctx: DomainContext, actor: Actor, id: string, version: number, meta: RequestMeta): Promise<Contact> {
  return change(ctx, actor, id, version, 'contact.retire', (before, now) => ({ ...before, status: 'retired', retiredAt: now, updatedAt: now }), meta);
}
