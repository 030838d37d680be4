import type { AttributionClaim, AttributionReply, CustodyRecord, EvidenceRef, RequestDecision, RequestForm, RequestKind, TlpLevel } from '@parley/protocol';

export type ConsultationSide = 'raiser' | 'recipient';
export type ConsultationStatus = 'draft' | 'sent' | 'acknowledged' | 'in_progress' | 'responded' | 'postponed' | 'executed' | 'closed';
/** A case is a consultation on an ICT incident or one of the cooperation requests (domain/cooperation.ts). */
export type CaseKind = 'consultation' | RequestKind;
export type Indicator = { type: string; value: string };

/** One consultation between this state and one other, as this node holds it. */
export interface ConsultationRecord {
  id: string;
  kind: CaseKind;
  groupId: string;
  side: ConsultationSide;
  raiser: string;
  /** Null only for a draft, which names its addressees instead. */
  recipient: string | null;
  addressees: string[];
  status: ConsultationStatus;
  outcome: 'resolved_or_mitigated' | 'unfounded' | 'no_agreement' | 'withdrawn' | 'completed' | 'refused' | null;
  /** The side asked for more information and not yet answered. */
  awaiting: ConsultationSide | null;
  title: string;
  summary: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  sectors: string[];
  severity: string;
  urgency: 'urgent' | 'high' | 'routine';
  communicationKind: string;
  norms: string[];
  actionsRequested: string;
  responseRequestedBy: Date | null;
  tlp: TlpLevel;
  indicators: Indicator[];
  attribution: AttributionClaim | null;
  attributionReply: AttributionReply | null;
  /** In a draft: the ids of this node's evidence records; once sent: the references as sent. */
  evidence: Array<EvidenceRef | { id: string }>;
  raisedBy: string;
  ackDeadline: Date | null;
  sentAt: Date | null;
  acknowledgedAt: Date | null;
  respondedAt: Date | null;
  closedAt: Date | null;
  ackOverdueNotifiedAt: Date | null;
  /** A cooperation request's structured form; null for a consultation. */
  request: RequestForm | null;
  /** The requested state's latest decision on a request. */
  decision: RequestDecision | null;
  /** An executed preservation: the data is kept until then. */
  preserveUntil: Date | null;
  /** The preservation end date both sides were last warned of, so each warning goes out once. */
  lapseWarnedFor: Date | null;
  /** When the requested state last consulted the requesting state before refusing or postponing. */
  consultedAt: Date | null;
  /** When each side's officers were told that the request's decision is overdue. */
  decisionOverdueNotifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface ConsultationEventRecord {
  id: string;
  consultationId: string;
  at: Date;
  side: ConsultationSide;
  actor: string;
  action: string;
  text: string;
  evidence: EvidenceRef[];
  outcome: string | null;
  attributionReply: AttributionReply | null;
  /** A request's decision step. */
  decision: RequestDecision | null;
  /** The chain of custody of each evidence item the step returns. */
  custody: CustodyRecord[];
  /** A new preservation end date (extension). */
  until: Date | null;
  envelopeHash: string | null;
  notApplied: string | null;
}

export interface ConsultationFilter {
  /** Which kinds of case; consultations only when not given. */
  kinds?: CaseKind[] | undefined;
  side?: ConsultationSide | 'draft' | undefined;
  state?: string | undefined;
  status?: ConsultationStatus | undefined;
  urgency?: string | undefined;
  /** Acknowledgement overdue at this time. */
  overdueAt?: Date | undefined;
  norm?: string | undefined;
  tlp?: string | undefined;
  /** Full-text search over titles, summaries and messages. */
  text?: string | undefined;
  /** `deadline`: what falls due next first; otherwise the most recently changed first. */
  sort?: 'updated' | 'deadline' | undefined;
  limit: number;
}

/** One envelope of a consultation's thread, sent or received by this node. */
export interface ThreadMessage {
  hash: string;
  jws: string;
  direction: 'sent' | 'received';
  /** Sent: delivery status; received: whether it has been applied (it waits for an earlier message otherwise). */
  status: 'queued' | 'delivered' | 'failed' | 'applied' | 'waiting';
  at: Date;
  error: string | null;
  /** The receipt: the one the other state returned for a sent envelope, the one this node issued for a received one. */
  receipt: string | null;
}

export interface ConsultationRepo {
  insert(c: ConsultationRecord): Promise<void>;
  /** Writes `c` if the stored version is `c.version - 1`; false when someone changed it first. */
  update(c: ConsultationRecord): Promise<boolean>;
  byId(id: string): Promise<ConsultationRecord | undefined>;
  remove(id: string): Promise<void>;
  list(filter: ConsultationFilter): Promise<ConsultationRecord[]>;
  /** Sent and unacknowledged past their deadline, not yet reported as overdue. */
  overdue(now: Date, limit: number): Promise<ConsultationRecord[]>;
  /** Executed preservations ending before `before` whose end date has not been warned of. */
  lapsing(before: Date, limit: number): Promise<ConsultationRecord[]>;
  /** Requests not decided by the time the requesting state asked for, not yet reported as overdue. */
  decisionsOverdue(now: Date, limit: number): Promise<ConsultationRecord[]>;
  /** Requests whose form names `id` among its related requests. */
  referencing(id: string): Promise<ConsultationRecord[]>;
  /** Every sent request of these kinds, for response-time statistics (newest first, bounded). */
  sentRequests(kinds: CaseKind[], limit: number): Promise<ConsultationRecord[]>;
  addEvent(e: ConsultationEventRecord): Promise<void>;
  events(consultationId: string): Promise<ConsultationEventRecord[]>;
  /** Every envelope of the thread sent to or received from `counterpart`, oldest first. */
  thread(consultationId: string, counterpart: string): Promise<ThreadMessage[]>;
}

/** The instruments and channel for cooperation with one other state, as this state records them. */
export interface LegalBasisRecord {
  state: string;
  instruments: string[];
  articles: string;
  channel: string | null;
  notes: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface LegalBasisRepo {
  list(): Promise<LegalBasisRecord[]>;
  byState(state: string): Promise<LegalBasisRecord | undefined>;
  put(r: LegalBasisRecord): Promise<void>;
  remove(state: string): Promise<boolean>;
}
