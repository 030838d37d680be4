import { indicatorsToStixBundle, parseIndicators, StixBundleError, stixBundleToIndicators, tlpLabel, type Indicator, type StixBundle } from '@parley/protocol';
import { invalid } from '../errors.js';
import type { CaseFile } from '../api/case-file.js';
import { caseStatusWords, consultationLabels as L } from '../api/labels.js';
import type { ConsultationDetail } from '../api/consultations.js';
import { assertMay } from './audit.js';
import { getConsultation } from './consultations.js';
import { caseDeadline, caseEvidenceStatus, caseTime, caseTimeOrDash, labelOf } from './case-file-words.js';
import type { DomainContext } from './context.js';
import { decodeStoredEnvelope } from './federation.js';
import { normCatalogue } from '../norms/catalogue.js';
import type { Actor } from './policies.js';

/*
 * What leaves the node about a consultation: a JSON record with every envelope, signature and
 * receipt, a printable case file, and the indicators as STIX 2.1. Each carries the TLP marking
 * of the consultation; the exporting officer is responsible for sharing it only as that allows.
 */

export const CONSULTATION_EXPORT_FORMAT = 'parley-consultation-export/1';

export interface ConsultationExport {
  format: typeof CONSULTATION_EXPORT_FORMAT;
  marking: string;
  exportedAt: string;
  exportedBy: { state: string; node: string };
  consultation: ConsultationDetail;
  /** Every envelope of the thread as signed (compact JWS), with the receipt that answers it. */
  envelopes: Array<{ hash: string; direction: 'sent' | 'received'; type: string; created: string; prev: string | null; jws: string; receipt: string | null; receiptTime: string | null; status: string }>;
}

async function names(ctx: DomainContext): Promise<Map<string, string>> {
  const peers = await ctx.store.peers.list();
  const m = new Map(peers.map((p) => [p.stateCode, p.name]));
  if (ctx.self) m.set(ctx.self.stateCode, ctx.self.name);
  return m;
}

function receiptTime(receipt: string | null): string | null {
  if (!receipt) return null;
  try {
    const claims = JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { received?: unknown };
    return typeof claims.received === 'string' ? claims.received : null;
  } catch {
    return null;
  }
}

export async function exportConsultation(ctx: DomainContext, actor: Actor, id: string): Promise<ConsultationExport> {
  assertMay(actor, 'consultations.read');
  const detail = await getConsultation(ctx, actor, id);
  return {
    format: CONSULTATION_EXPORT_FORMAT,
    marking: tlpLabel(detail.tlp),
    exportedAt: ctx.now().toISOString(),
    exportedBy: { state: ctx.self?.stateCode ?? '', node: ctx.publicUrl },
    consultation: detail,
    envelopes: await threadEnvelopes(ctx, id, detail.counterpart),
  };
}

export type ExportedEnvelope = ConsultationExport['envelopes'][number];

/** Every envelope of a case's thread as signed, with the receipt that answers it and the time it names. */
export async function threadEnvelopes(ctx: DomainContext, caseId: string, counterpart: string | null): Promise<ExportedEnvelope[]> {
  const thread = counterpart ? await ctx.store.consultations.thread(caseId, counterpart) : [];
  return thread.map((m) => {
    const e = decodeStoredEnvelope(m.jws);
    return { hash: m.hash, direction: m.direction, type: e.type, created: e.created, prev: e.prev ?? null, jws: m.jws, receipt: m.receipt, receiptTime: receiptTime(m.receipt), status: m.status };
  });
}

/** The annex of a printed case file: each envelope's hash and signature, and its receipt's signature. */
export function annexHashes(envelopes: ExportedEnvelope[]): CaseFile['hashes'] {
  return envelopes.flatMap((e) => [
    { label: `${e.type} ${e.direction} ${e.created} — envelope SHA-256`, value: e.hash },
    { label: `signature (Ed25519, JWS)`, value: e.jws.split('.')[2] ?? '' },
    ...(e.receipt ? [{ label: `receipt signature (Ed25519, JWS)${e.receiptTime ? `, received ${e.receiptTime}` : ''}`, value: e.receipt.split('.')[2] ?? '' }] : []),
  ]);
}

export async function stateNames(ctx: DomainContext): Promise<Map<string, string>> {
  return names(ctx);
}

/** A norm as a reader of the case file finds it in the agreed text: its title, the document and paragraph, and the catalogue's id. */
function normCited(id: string): string {
  const e = normCatalogue().byId.get(id);
  return e ? `${e.title} (${e.source.symbol}, para. ${e.source.paragraph}; ${id})` : id;
}

export async function consultationCaseFile(ctx: DomainContext, actor: Actor, id: string): Promise<CaseFile> {
  const x = await exportConsultation(ctx, actor, id);
  const c = x.consultation;
  const stateNames = await names(ctx);
  const party = (state: string) => ({ state, name: stateNames.get(state) ?? state });
  const receipts = new Map(x.envelopes.map((e) => [e.hash, e]));
  const attribution = c.attribution as { to: { kind: string; state?: string; name?: string }; basis: string[]; confidence: string; statement: string; evidence: string[] } | null;
  const sections: CaseFile['sections'] = [
    { heading: 'Summary', paragraphs: [c.summary || '—'] },
    { heading: 'Actions requested', paragraphs: [c.actionsRequested || '—'] },
  ];
  if (c.indicators.length) sections.push({ heading: `Indicators (${c.indicators.length})`, paragraphs: c.indicators.map((i) => `${i.type}: ${i.value}`) });
  if (attribution) {
    const to = attribution.to.kind === 'state' ? `the state ${attribution.to.state}` : attribution.to.kind === 'group' ? `the group “${attribution.to.name}”` : 'an unknown actor';
    sections.push({
      heading: 'Attribution',
      paragraphs: [
        `Attributed to ${to}, with ${labelOf(L.confidences, attribution.confidence).toLowerCase()} confidence, on the basis of ${attribution.basis.map((b) => labelOf(L.bases, b).toLowerCase()).join(', ')}.`,
        ...(attribution.statement ? [attribution.statement] : []),
        ...(attribution.evidence.length ? [`Evidence relied on: ${attribution.evidence.join(', ')}`] : []),
        c.attributionReply ? `Reply of ${c.recipient}: ${labelOf(L.replies, c.attributionReply.position)}. ${c.attributionReply.reasons}` : `No reply on the attribution yet.`,
      ],
    });
  }
  return {
    kind: 'consultation',
    title: c.title,
    reference: c.id,
    tlp: c.tlp,
    generatedAt: x.exportedAt,
    parties: { from: party(c.raiser), to: c.recipient ? [party(c.recipient)] : c.addressees.map(party) },
    fields: [
      // As the page of the node that prints it says it: to the state consulted, not "Sent".
      { label: 'Status', value: caseStatusWords(L, c) },
      { label: 'Kind of communication', value: labelOf(L.kinds, c.communicationKind) },
      { label: 'Urgency', value: labelOf(L.urgencies, c.urgency) },
      { label: 'Severity', value: labelOf(L.severities, c.severity) },
      { label: 'Period of the activity', value: `${c.periodStart ? caseTime(c.periodStart) : 'unknown'} to ${c.periodEnd ? caseTime(c.periodEnd) : 'unknown'}` },
      { label: 'Sectors', value: c.sectors.map((s) => labelOf(L.sectors, s)).join(', ') || '—' },
      { label: 'Norms at stake', value: c.norms.map(normCited).join('; ') || '—' },
      { label: 'Raised by', value: c.raisedBy },
      { label: 'Sent', value: caseTimeOrDash(c.sentAt) },
      { label: 'Acknowledgement due', value: caseDeadline(c.ackDeadline, c.ackState) },
      { label: 'Acknowledged', value: caseTimeOrDash(c.acknowledgedAt) },
      { label: 'Response requested by', value: caseDeadline(c.responseRequestedBy, c.responseState) },
      { label: 'Thread digest', value: c.integrity.digest ?? '—' },
    ],
    sections,
    timeline: c.events.map((e) => {
      const env = e.envelopeHash ? receipts.get(e.envelopeHash) : undefined;
      const hashes = e.envelopeHash ? [{ label: 'Envelope', value: e.envelopeHash }] : [];
      const detail = [e.text, e.outcome ? `Outcome: ${labelOf(L.outcomes, e.outcome)}` : '', e.attributionReply ? `Attribution: ${labelOf(L.replies, e.attributionReply.position)}. ${e.attributionReply.reasons}` : '', env?.receiptTime ? `Receipt: received ${caseTime(env.receiptTime)}` : '', e.notApplied ? `Not applied: ${e.notApplied}` : '']
        .filter(Boolean)
        .join('\n');
      return { at: e.at, actor: `${e.state} — ${e.actor}`, event: labelOf(L.events, e.action), ...(detail ? { detail } : {}), ...(hashes.length ? { hashes } : {}) };
    }),
    evidence: c.evidence.map((ev) => ({ name: ev.name, size: ev.size, sha256: ev.sha256, status: caseEvidenceStatus(ev) })),
    hashes: annexHashes(x.envelopes),
  };
}

export async function consultationStix(ctx: DomainContext, actor: Actor, id: string): Promise<StixBundle> {
  const c = await getConsultation(ctx, actor, id);
  return indicatorsToStixBundle(c.indicators as Indicator[], {
    tlp: c.tlp,
    title: c.title,
    created: c.sentAt ?? c.createdAt,
    identityName: ctx.self?.name ?? c.raiser,
  });
}

/** Indicators recognised in pasted text, each refused line with its reason. */
export function indicatorsFromText(actor: Actor, text: string) {
  assertMay(actor, 'consultations.read');
  const r = parseIndicators(text);
  return { indicators: r.indicators, rejected: r.rejected.map((x) => ({ where: `line ${x.line}`, text: x.text, reason: x.reason })), tlp: null };
}

/** Indicators of a STIX 2.1 bundle; a document that is not valid STIX 2.1 is refused with its problems. */
export function indicatorsFromStix(actor: Actor, bundle: unknown) {
  assertMay(actor, 'consultations.read');
  try {
    const r = stixBundleToIndicators(bundle);
    return { indicators: r.indicators, rejected: r.rejected.map((x) => ({ where: x.path, text: x.text, reason: x.reason })), tlp: r.tlp ?? null };
  } catch (e) {
    if (e instanceof StixBundleError) throw invalid('stix_invalid', e.message, e.issues.map((i) => ({ path: i.path, message: i.message })));
    throw e;
  }
}
