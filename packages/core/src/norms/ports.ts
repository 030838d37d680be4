/** Storage port of the norms feature; packages/store implements it (norms-repo.ts). */

export const normPositionValues = ['endorses', 'endorses_with_reservations', 'does_not_endorse', 'no_stated_position'] as const;
export type NormPositionValue = (typeof normPositionValues)[number];

/**
 * A state's position on one entry as this node holds it: `own` for this node's state, `recorded`
 * for another state's position that this node recorded from a source (a vote, a statement),
 * which is distinct from what that state published itself through the federation.
 */
export interface NormPositionRecord {
  stateCode: string;
  normId: string;
  origin: 'own' | 'recorded';
  position: NormPositionValue;
  statement: string;
  source: string;
  /** The day the position was stated, YYYY-MM-DD. */
  statedOn: string | null;
  recordedAt: Date;
  recordedBy: string;
}

/** This state's national implementation note on one entry. */
export interface NormNoteRecord {
  normId: string;
  text: string;
  sources: string[];
  updatedAt: Date;
  updatedBy: string;
}

/** What a peer published about its own positions and notes, as received. */
export interface PeerNormsRecord {
  stateCode: string;
  publishedAt: Date;
  receivedAt: Date;
  positions: unknown[];
  notes: unknown[];
  envelopeHash: string;
}

/** A case of this node (a consultation, a cooperation request) that invokes an entry. */
export interface NormInvocationRecord {
  normId: string;
  caseType: string;
  caseId: string;
  caseTitle: string;
  caseCreatedAt: Date;
}

export interface NormSettingsRecord {
  published: boolean;
  changedAt: Date | null;
  changedBy: string | null;
}

export interface NormRepo {
  /** Current positions, optionally of one state or on one entry. */
  positions(filter: { stateCode?: string | undefined; normId?: string | undefined }): Promise<NormPositionRecord[]>;
  position(stateCode: string, normId: string): Promise<NormPositionRecord | undefined>;
  /** Replaces the current position and appends it to the history. */
  putPosition(p: NormPositionRecord): Promise<void>;
  /** Every position a state has held on an entry, newest first. */
  history(stateCode: string, normId: string): Promise<NormPositionRecord[]>;
  notes(): Promise<NormNoteRecord[]>;
  note(normId: string): Promise<NormNoteRecord | undefined>;
  putNote(n: NormNoteRecord): Promise<void>;
  /** Stores a peer's snapshot unless a newer one is already held; true when stored. */
  putPeer(r: PeerNormsRecord): Promise<boolean>;
  peers(): Promise<PeerNormsRecord[]>;
  /** Makes `normIds` the entries a case invokes (adds the new, removes the ones no longer named). */
  setInvocations(c: { caseType: string; caseId: string; caseTitle: string; caseCreatedAt: Date }, normIds: readonly string[]): Promise<void>;
  invocations(normId: string): Promise<NormInvocationRecord[]>;
  invocationCounts(): Promise<{ normId: string; count: number }[]>;
  settings(): Promise<NormSettingsRecord>;
  setPublished(published: boolean, at: Date, by: string): Promise<void>;
}
