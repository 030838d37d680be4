import type { Role } from '../api/fields.js';
import type { ContactKind } from '../api/schemas.js';

/** Storage ports: the domain depends on these interfaces; packages/store implements them. */

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: 'active' | 'disabled' | 'invited';
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRecord {
  idHash: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface SetupLinkRecord {
  tokenHash: string;
  purpose: 'first-admin' | 'invite' | 'reset';
  userId: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface ContactRecord {
  id: string;
  kind: ContactKind;
  name: string;
  organisation: string;
  position: string;
  email: string;
  phone: string;
  languages: string[];
  timeZone: string;
  hours: string;
  available24x7: boolean;
  status: 'active' | 'retired';
  version: number;
  createdAt: Date;
  updatedAt: Date;
  retiredAt: Date | null;
}

export interface AuditRecord {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface UserRepo {
  insert(user: UserRecord): Promise<void>;
  byId(id: string): Promise<UserRecord | undefined>;
  byEmail(email: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  update(user: UserRecord): Promise<void>;
  countActiveAdmins(): Promise<number>;
}

export interface SessionRepo {
  insert(session: SessionRecord): Promise<void>;
  byHash(idHash: string): Promise<SessionRecord | undefined>;
  delete(idHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<void>;
  deleteExpired(now: Date): Promise<void>;
}

export interface TokenRepo {
  insert(token: TokenRecord): Promise<void>;
  byHash(tokenHash: string): Promise<TokenRecord | undefined>;
  byId(id: string): Promise<TokenRecord | undefined>;
  listForUser(userId: string): Promise<TokenRecord[]>;
  markUsed(id: string, at: Date): Promise<void>;
  revoke(id: string, at: Date): Promise<void>;
}

export interface SetupLinkRepo {
  insert(link: SetupLinkRecord): Promise<void>;
  byHash(tokenHash: string): Promise<SetupLinkRecord | undefined>;
  markUsed(tokenHash: string, at: Date): Promise<boolean>;
  /** Invalidates every unused link of a purpose (and user, when given). */
  expireUnused(purpose: SetupLinkRecord['purpose'], userId: string | null, at: Date): Promise<void>;
}

export interface ContactRepo {
  insert(contact: ContactRecord): Promise<void>;
  byId(id: string): Promise<ContactRecord | undefined>;
  list(status: 'active' | 'retired' | 'all'): Promise<ContactRecord[]>;
  /** Writes the record if the stored version is `expectedVersion`; false when someone else got there first. */
  update(contact: ContactRecord, expectedVersion: number): Promise<boolean>;
}

export interface AuditRepo {
  append(entry: Omit<AuditRecord, 'id'>): Promise<void>;
  list(filter: { entityType?: string | undefined; entityId?: string | undefined; limit: number }): Promise<AuditRecord[]>;
}

export interface Store {
  readonly engine: 'pglite' | 'postgres';
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly tokens: TokenRepo;
  readonly setupLinks: SetupLinkRepo;
  readonly contacts: ContactRepo;
  readonly audit: AuditRepo;
  /** Runs `fn` in one database transaction; everything written through `tx` commits or none of it. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
