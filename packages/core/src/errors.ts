/**
 * Domain errors carry a stable machine code and a kind; the HTTP layer maps kinds to
 * status codes in one place, so the domain never speaks HTTP.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `languages.1`; empty for the whole input. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    /** `extensions` become RFC 9457 extension members of the problem, for clients to act on. */
    readonly details: { issues?: FieldIssue[]; retryAfterSeconds?: number; extensions?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, issues?: FieldIssue[]) =>
  new DomainError('invalid', code, message, issues ? { issues } : {});
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const unauthenticated = (code: string, message: string) => new DomainError('unauthenticated', code, message);

const signedInElsewhere = {
  tokens: 'API tokens are made there under Tokens, or with: parley token create --user EMAIL',
  users: "Accounts are managed there under Users, or on the node's machine with parley user add, parley user reset or parley user unlock",
} as const;

/**
 * Refuses to an API token what only a signed-in person may do: whatever makes a way in (a token,
 * an account, a setup link) or more power for one, which would outlive the token's revocation if
 * the token leaked.
 */
export const sessionRequired = (area: keyof typeof signedInElsewhere) =>
  forbidden('session_required', `An API token cannot do this; sign in to the web interface. ${signedInElsewhere[area]}`);

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/**
 * The store cannot reach its database (the server is down, restarting, or cut off). What the
 * request asked for was not done, unless the connection was lost after its COMMIT was sent and
 * before the answer came back. Peers retry a delivery this answers (a repeat of one stored
 * meanwhile gets its first receipt); people are told to try again.
 */
export class StoreUnavailable extends DomainError {
  constructor(
    /** For the operator's log: what failed, naming the server by host and port only. */
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super('unavailable', 'store_unavailable', "This node cannot reach its database just now, so it can neither read nor save anything. Try again in a minute; if this lasts, tell the node's administrator.", {
      retryAfterSeconds: 30,
    });
    this.cause = options.cause;
  }
}

export const isStoreUnavailable = (e: unknown): e is StoreUnavailable => e instanceof StoreUnavailable;
