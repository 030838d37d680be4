import type { Envelope, MessageBody, PublishedNormNote, PublishedNormPosition } from '@parley/protocol';
import { DomainError, invalid, notFound } from '../errors.js';
import { assertMay, record } from '../domain/audit.js';
import type { DomainContext, RequestMeta } from '../domain/context.js';
import { enqueue } from '../domain/federation.js';
import { actorLabel, type Actor } from '../domain/policies.js';
import type { Store } from '../domain/ports.js';
import { displayStateName } from '../domain/node.js';
import { isUserAssignedCode } from '../states.js';
import { assertKnownNorms, normCatalogue, normEntry, type NormEntry } from './catalogue.js';
import type { NormNoteRecord, NormPositionRecord, NormPositionValue } from './ports.js';
import type { NormEntryView, NormNoteView, NormPositionView, SetNormPosition } from './schemas.js';

// ---- presenters ------------------------------------------------------------------------------

export function presentNormEntry(e: NormEntry): NormEntryView {
  const text = Object.fromEntries(Object.entries(e.text).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return {
    id: e.id,
    list: e.list,
    title: e.title,
    text,
    languages: Object.keys(text),
    source: e.source,
    overlaps: e.overlaps,
    verified: e.verified,
    ...(e.note ? { note: e.note } : {}),
  };
}

const presentPosition = (p: NormPositionRecord): NormPositionView => ({
  state: p.stateCode,
  entry: p.normId,
  position: p.position,
  statement: p.statement,
  source: p.source,
  date: p.statedOn,
  origin: p.origin,
  recordedAt: p.recordedAt.toISOString(),
  recordedBy: p.recordedBy,
});

const presentNote = (state: string, n: NormNoteRecord): NormNoteView => ({
  state,
  entry: n.normId,
  text: n.text,
  sources: n.sources,
  updatedAt: n.updatedAt.toISOString(),
  updatedBy: n.updatedBy,
});

function selfCode(ctx: DomainContext): string {
  if (!ctx.self) throw new Error('this process has no node identity; norms positions are kept by a running node');
  return ctx.self.stateCode;
}

/** What peers published, read back from their stored snapshots (trusted or suspended peers alike). */
async function peerSnapshots(store: Store) {
  const peers = new Map((await store.peers.list()).map((p) => [p.stateCode, p]));
  return (await store.norms.peers())
    .filter((s) => peers.has(s.stateCode))
    .map((s) => {
      const positions = (s.positions as PublishedNormPosition[]).map(
        (p): NormPositionView => ({
          state: s.stateCode,
          entry: p.entry,
          position: p.position,
          statement: p.statement,
          source: p.source,
          date: p.date,
          origin: 'published',
          recordedAt: p.updatedAt,
          recordedBy: null,
        }),
      );
      const notes = (s.notes as PublishedNormNote[]).map((n): NormNoteView => ({ state: s.stateCode, entry: n.entry, text: n.text, sources: n.sources, updatedAt: n.updatedAt, updatedBy: null }));
      return { peer: peers.get(s.stateCode)!, publishedAt: s.publishedAt, positions, notes };
    });
}

// ---- catalogue and entries -------------------------------------------------------------------

export function listNormCatalogue(ctx: DomainContext, actor: Actor) {
  assertMay(actor, 'norms.read');
  return catalogueView();
}

function catalogueView() {
  return {
    lists: normCatalogue().lists.map((l) => ({
      id: l.id,
      version: l.version,
      title: l.title,
      symbol: l.symbol,
      date: l.date,
      ...(l.url ? { url: l.url } : {}),
      entries: l.entries.map(presentNormEntry),
    })),
  };
}

export async function getNormEntry(ctx: DomainContext, actor: Actor, id: string) {
  assertMay(actor, 'norms.read');
  const entry = normEntry(id);
  const self = selfCode(ctx);
  const [own, history, note, recorded, snapshots, invocations] = await Promise.all([
    ctx.store.norms.position(self, id),
    ctx.store.norms.history(self, id),
    ctx.store.norms.note(id),
    ctx.store.norms.positions({ normId: id }),
    peerSnapshots(ctx.store),
    ctx.store.norms.invocations(id),
  ]);
  const others = [
    ...snapshots.flatMap((s) => s.positions.filter((p) => p.entry === id)),
    ...recorded.filter((p) => p.stateCode !== self).map(presentPosition),
  ].sort((a, b) => a.state.localeCompare(b.state) || a.origin.localeCompare(b.origin));
  return {
    entry: presentNormEntry(entry),
    own: own ? presentPosition(own) : null,
    history: history.map(presentPosition),
    note: note ? presentNote(self, note) : null,
    others,
    peerNotes: snapshots.flatMap((s) => s.notes.filter((n) => n.entry === id)),
    invocations: invocations.map((i) => ({ caseType: i.caseType, caseId: i.caseId, title: i.caseTitle, createdAt: i.caseCreatedAt.toISOString() })),
  };
}

// ---- positions and notes ---------------------------------------------------------------------

const sourceRequired = (what: string) =>
  new DomainError('invalid', 'source_required', `${what} needs its source: a document symbol (such as A/C.1/78/PV.5) or a URL where it can be read.`, {
    issues: [{ path: 'source', message: 'Give the source of the statement.' }],
  });

/**
 * Whether a statement's date (YYYY-MM-DD) is after today everywhere on Earth. A date is a day in
 * the stating state's own time zone, which may be up to 14 hours ahead of UTC, so the node's
 * "today" is taken there: a statement made this morning in Kiribati is not in the future.
 */
export function isFutureStatementDate(date: string, now: Date): boolean {
  return date > new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);
}

const futureDate = () =>
  new DomainError('invalid', 'date_in_future', 'A statement date cannot be in the future: give the date on which the statement was made.', {
    issues: [{ path: 'date', message: 'A statement date cannot be in the future.' }],
  });

/** Sets this state's position on one entry; the previous one stays in the history. */
export async function setNormPosition(ctx: DomainContext, actor: Actor, input: SetNormPosition, meta: RequestMeta): Promise<NormPositionView> {
  assertMay(actor, 'norms.write');
  assertKnownNorms([input.entry]);
  if (input.statement && !input.source) throw sourceRequired('A statement');
  if (input.date && isFutureStatementDate(input.date, ctx.now())) throw futureDate();
  const self = selfCode(ctx);
  const after: NormPositionRecord = {
    stateCode: self,
    normId: input.entry,
    origin: 'own',
    position: input.position,
    statement: input.statement,
    source: input.source,
    statedOn: input.date ?? null,
    recordedAt: ctx.now(),
    recordedBy: actorLabel(actor),
  };
  await ctx.store.transaction(async (tx) => {
    const before = await tx.norms.position(self, input.entry);
    await tx.norms.putPosition(after);
    await record(tx, ctx, actor, meta, { action: 'norm.position.set', entityType: 'norm', entityId: input.entry, before: before ? presentPosition(before) : null, after: presentPosition(after) });
    await publishNormPositions(tx, ctx);
  });
  ctx.onQueued?.();
  return presentPosition(after);
}

/** Sets this state's national implementation note on one entry. */
export async function setNormNote(ctx: DomainContext, actor: Actor, input: { entry: string; text: string; sources: string[] }, meta: RequestMeta): Promise<NormNoteView> {
  assertMay(actor, 'norms.write');
  assertKnownNorms([input.entry]);
  if (input.text && input.sources.length === 0) {
    throw new DomainError('invalid', 'source_required', 'An implementation note needs at least one source: a law, a strategy, a report, by symbol or URL.', {
      issues: [{ path: 'sources', message: 'Give at least one source.' }],
    });
  }
  const self = selfCode(ctx);
  const note: NormNoteRecord = { normId: input.entry, text: input.text, sources: input.sources, updatedAt: ctx.now(), updatedBy: actorLabel(actor) };
  await ctx.store.transaction(async (tx) => {
    const before = await tx.norms.note(input.entry);
    await tx.norms.putNote(note);
    await record(tx, ctx, actor, meta, { action: 'norm.note.set', entityType: 'norm', entityId: input.entry, before: before ? presentNote(self, before) : null, after: presentNote(self, note) });
    await publishNormPositions(tx, ctx);
  });
  ctx.onQueued?.();
  return presentNote(self, note);
}

// ---- matrix, invocations ---------------------------------------------------------------------

export async function getNormMatrix(ctx: DomainContext, actor: Actor, query: { list?: string | undefined; position?: NormPositionValue | undefined }) {
  assertMay(actor, 'norms.read');
  const catalogue = normCatalogue();
  if (query.list && !catalogue.lists.some((l) => l.id === query.list)) {
    throw invalid('unknown_norm_list', `There is no list "${query.list}" in the catalogue. The lists are: ${catalogue.lists.map((l) => l.id).join(', ')}.`);
  }
  const self = selfCode(ctx);
  const entries = catalogue.lists.filter((l) => !query.list || l.id === query.list).flatMap((l) => l.entries);
  const wanted = new Set(entries.map((e) => e.id));
  const [positions, snapshots] = await Promise.all([ctx.store.norms.positions({}), peerSnapshots(ctx.store)]);
  const cells = [...positions.map(presentPosition), ...snapshots.flatMap((s) => s.positions)].filter(
    (c) => wanted.has(c.entry) && (!query.position || c.position === query.position),
  );
  const states = new Map<string, { code: string; name: string; isTestState: boolean; self: boolean }>();
  const isTest = isUserAssignedCode(self);
  states.set(self, { code: self, name: displayStateName({ stateCode: self, isTestState: isTest }), isTestState: isTest, self: true });
  for (const s of snapshots) states.set(s.peer.stateCode, { code: s.peer.stateCode, name: s.peer.name, isTestState: s.peer.isTestState, self: false });
  for (const c of cells) {
    if (!states.has(c.state)) {
      const test = isUserAssignedCode(c.state);
      states.set(c.state, { code: c.state, name: displayStateName({ stateCode: c.state, isTestState: test }), isTestState: test, self: false });
    }
  }
  return {
    states: [...states.values()].sort((a, b) => (a.self === b.self ? a.code.localeCompare(b.code) : a.self ? -1 : 1)),
    entries: entries.map((e) => ({ id: e.id, list: e.list, title: e.title, verified: e.verified })),
    cells: cells.sort((a, b) => a.state.localeCompare(b.state) || a.entry.localeCompare(b.entry)),
  };
}

export async function getNormInvocationCounts(ctx: DomainContext, actor: Actor) {
  assertMay(actor, 'norms.read');
  const counts = new Map((await ctx.store.norms.invocationCounts()).map((c) => [c.normId, c.count]));
  return {
    counts: normCatalogue().lists.flatMap((l) => l.entries.map((e) => ({ entry: e.id, title: e.title, list: e.list, count: counts.get(e.id) ?? 0 }))),
  };
}

/**
 * For consultations and cooperation requests: records, in the caller's transaction, which entries
 * a case invokes. Calling it again for the same case replaces the set. Throws `unknown_norm`
 * (invalid input) naming an identifier the catalogue does not hold, before writing anything.
 */
export async function recordNormInvocations(
  tx: Store,
  input: { caseType: string; caseId: string; title: string; createdAt: Date; normIds: readonly string[] },
): Promise<void> {
  assertKnownNorms(input.normIds);
  await tx.norms.setInvocations({ caseType: input.caseType, caseId: input.caseId, caseTitle: input.title, caseCreatedAt: input.createdAt }, [...new Set(input.normIds)]);
}

// ---- federation ------------------------------------------------------------------------------

async function ownSnapshot(store: Store, self: string): Promise<Pick<MessageBody<'norms.positions'>, 'positions' | 'notes'>> {
  const positions = (await store.norms.positions({ stateCode: self })).map((p) => ({
    entry: p.normId,
    position: p.position,
    statement: p.statement,
    source: p.source,
    date: p.statedOn,
    updatedAt: p.recordedAt.toISOString(),
  }));
  const notes = (await store.norms.notes()).map((n) => ({ entry: n.normId, text: n.text, sources: n.sources, updatedAt: n.updatedAt.toISOString() }));
  return { positions, notes };
}

/** Sends this state's current positions and notes to every trusted peer (or to one), in the caller's transaction. */
export async function publishNormPositions(tx: Store, ctx: DomainContext, only?: string): Promise<void> {
  if (!ctx.self) return;
  const peers = (await tx.peers.list()).filter((p) => p.status === 'trusted' && (!only || p.stateCode === only));
  if (peers.length === 0) return;
  const snapshot = await ownSnapshot(tx, ctx.self.stateCode);
  // A newly trusted peer needs no snapshot while this state has stated nothing.
  if (only && snapshot.positions.length === 0 && snapshot.notes.length === 0) return;
  const publishedAt = ctx.now().toISOString();
  for (const peer of peers) await enqueue(tx, ctx, { recipient: peer.stateCode, type: 'norms.positions', body: { publishedAt, ...snapshot } });
}

/** Inbound `norms.positions`: keeps the sender's newest snapshot. */
export async function onNormPositions(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'norms.positions'>, hash: string): Promise<void> {
  await tx.norms.putPeer({
    stateCode: envelope.sender,
    publishedAt: new Date(body.publishedAt),
    receivedAt: ctx.now(),
    positions: body.positions,
    notes: body.notes,
    envelopeHash: hash,
  });
}

// ---- publication -----------------------------------------------------------------------------

const presentSettings = (s: { published: boolean; changedAt: Date | null; changedBy: string | null }) => ({
  published: s.published,
  changedAt: s.changedAt?.toISOString() ?? null,
  changedBy: s.changedBy,
});

export async function getNormPublication(ctx: DomainContext, actor: Actor) {
  assertMay(actor, 'norms.read');
  return presentSettings(await ctx.store.norms.settings());
}

export async function setNormPublication(ctx: DomainContext, actor: Actor, published: boolean, meta: RequestMeta) {
  assertMay(actor, 'norms.publish');
  return ctx.store.transaction(async (tx) => {
    const before = await tx.norms.settings();
    const at = ctx.now();
    await tx.norms.setPublished(published, at, actorLabel(actor));
    await record(tx, ctx, actor, meta, { action: published ? 'norms.publish' : 'norms.unpublish', entityType: 'norms', entityId: 'publication', before: presentSettings(before), after: { published } });
    return presentSettings({ published, changedAt: at, changedBy: actorLabel(actor) });
  });
}

/** The public, read-only page: the catalogue and this state's own positions, only once an administrator published them. */
export async function getPublicNorms(ctx: DomainContext) {
  const settings = await ctx.store.norms.settings();
  if (!settings.published) throw notFound('norms_not_published', 'This node does not publish its positions on the norms. An administrator can publish them on the Norms page.');
  const self = selfCode(ctx);
  const isTest = isUserAssignedCode(self);
  const [positions, notes] = await Promise.all([ctx.store.norms.positions({ stateCode: self }), ctx.store.norms.notes()]);
  return {
    state: { code: self, name: displayStateName({ stateCode: self, isTestState: isTest }), isTestState: isTest },
    ...catalogueView(),
    // Who in the ministry recorded a position is internal; the public page says what and where from.
    positions: positions.map((p) => ({ ...presentPosition(p), recordedBy: null })),
    notes: notes.map((n) => ({ ...presentNote(self, n), updatedBy: null })),
  };
}

export { presentPosition as presentNormPosition, presentNote as presentNormNote, selfCode as normSelfCode, sourceRequired as normSourceRequired };
