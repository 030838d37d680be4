/**
 * A second implementation of the Parley federation protocol, written from docs/protocol.md and
 * the schemas and examples it points to, without Parley's code: only `node:crypto`,
 * `node:http`, `fetch` and JSON. It is what another team would write, so that
 * second-implementation.test.ts can show the document suffices to federate with a Parley node.
 * It does not import @parley/protocol or jose, and must not: then it would prove nothing.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** A refusal with the protocol's code, as §4.1 and the proof checks name them. */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

// ---- keys (§1) -------------------------------------------------------------

export interface KeyPair {
  privateKey: KeyObject;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  fingerprint: string;
}

/** §1: `SHA256:` and the unpadded standard base64 of SHA-256 over the raw public key. */
export function fingerprintOf(rawPublicKey: Buffer): string {
  return `SHA256:${sha256(rawPublicKey).toString('base64').replace(/=+$/, '')}`;
}

export function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, publicKey: raw, fingerprint: fingerprintOf(raw) };
}

/** A key from its 32-byte seed in hex, such as RFC 8032's test keys the worked example uses. */
export function keyPairFromSeed(seedHex: string): KeyPair {
  // PKCS#8 for Ed25519 is a fixed 16-byte prefix and the 32-byte seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, publicKey: raw, fingerprint: fingerprintOf(raw) };
}

export function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
}

// ---- strict JSON (§3: no member twice, at most 64 levels) -------------------

/**
 * Parses JSON as the document requires of every signed header and payload: refused when an
 * object names a member twice at any depth (after unescaping) or when arrays and objects nest
 * more than 64 levels. A small scanner rather than a reviver, which cannot see duplicates.
 */
export function strictJsonParse(text: string): unknown {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(name)) throw new Error(`the member "${name}" appears twice in one object`);
        top.add(name);
      }
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? new Set() : null);
      if (stack.length > 64) throw new Error('nested more than 64 levels deep');
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return JSON.parse(text);
}

// ---- compact JWS (§3, §4, §4.2) ----------------------------------------------

export type JwsType = 'parley-envelope+jws' | 'parley-receipt+jws' | 'parley-delivery+jws';

/** Signs `payload` (an object, or JSON text as it should travel) under the exact header §3 gives. */
export function signCompact(typ: JwsType, payload: object | string, key: KeyPair): string {
  const header = `{"alg":"EdDSA","kid":${JSON.stringify(key.fingerprint)},"typ":${JSON.stringify(typ)}}`;
  const input = `${b64url(header)}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  return `${input}.${b64url(sign(null, Buffer.from(input, 'ascii'), key.privateKey))}`;
}

export interface OpenedJws {
  header: { alg: string; kid: string; typ: string };
  payload: Record<string, unknown>;
  verifiesWith(rawPublicKey: Buffer): boolean;
}

/** Splits and decodes a compact JWS of type `typ`; `malformedCode` is the refusal for a bad one. */
export function openCompact(jws: string, typ: JwsType, malformedCode = 'malformed'): OpenedJws {
  const parts = jws.split('.');
  const bad = (why: string) => new Refusal(malformedCode, 400, `Not a ${typ} compact JWS: ${why}.`);
  // Canonical base64url only: another spelling of the same signature would give a second hash.
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p) || Buffer.from(p, 'base64url').toString('base64url') !== p)) {
    throw bad('three canonical base64url parts expected');
  }
  let header: OpenedJws['header'];
  let payload: Record<string, unknown>;
  try {
    header = strictJsonParse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as OpenedJws['header'];
    payload = strictJsonParse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (header.alg !== 'EdDSA' || header.typ !== typ || typeof header.kid !== 'string' || Object.keys(header).length !== 3) throw bad('wrong header');
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw bad('payload is not an object');
  const input = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
  const signature = Buffer.from(parts[2]!, 'base64url');
  return { header, payload, verifiesWith: (raw) => verify(null, input, publicKeyObject(raw), signature) };
}

/** §3.2: `sha256:` and the unpadded base64url SHA-256 of the compact JWS's ASCII bytes. */
export function envelopeHash(jws: string): string {
  return `sha256:${b64url(sha256(Buffer.from(jws, 'ascii')))}`;
}

/** §4.4: SHA-256 over each envelope hash followed by a line feed. */
export function batchHash(hashes: string[]): string {
  return `sha256:${b64url(sha256(hashes.map((h) => `${h}\n`).join('')))}`;
}

/** RFC 9562 UUIDv7: 48 bits of Unix milliseconds, version 7, variant 10, random bits. */
export function uuidv7(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- the node ---------------------------------------------------------------

export interface Envelope {
  v: 1;
  id: string;
  sender: string;
  recipient: string;
  type: string;
  created: string;
  thread?: string;
  prev?: string;
  body: Record<string, unknown>;
}

export interface Peer {
  stateCode: string;
  url: string;
  publicKey: Buffer;
  fingerprint: string;
  inbox: string;
  inboxBatch: string | undefined;
  discovery: Record<string, unknown>;
}

export interface Received {
  jws: string;
  hash: string;
  envelope: Envelope;
  receipt: string;
  /** `single` or `batch`: which inbox it came through. */
  via: 'single' | 'batch';
}

export interface InboxAnswer {
  status: number;
  body: { receipt?: string; duplicate?: boolean; code?: string; detail?: string; results?: InboxAnswer['body'][]; status?: number };
}

const FIVE_MINUTES = 5 * 60_000;
const SEVEN_DAYS = 7 * 24 * 3_600_000;
const KNOWN_TYPES = new Set(['directory.update', 'check.request', 'check.response', 'key.rotate', 'consultation.open', 'consultation.step', 'norms.positions', 'request.open', 'request.step']);
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * One node of the second implementation: its own Ed25519 key, a `/.well-known/parley`, a
 * single and a batch inbox that check what §4.1 lists and answer with signed receipts, and a
 * sender side that signs envelopes and delivery tokens and verifies receipts.
 */
export class IndependentNode {
  /** The node key; §8's rotation replaces it, after announcing the next one with `key.rotate`. */
  keys = newKeyPair();
  readonly peers = new Map<string, Peer>();
  readonly received: Received[] = [];
  /** Every inbox request, refused or not, so a test can see what the other side sent. */
  readonly requests: { path: string; status: number; code?: string }[] = [];
  /**
   * When set, what the inbox answers in place of the receipt it keeps, for a test of what the
   * other side does with a receipt that §4.2 says it must not take; the kept one is unchanged.
   */
  answerReceipt: ((hash: string, receipt: string) => string) | undefined;
  private readonly nonces = new Set<string>();
  private server: Server | undefined;
  url = '';

  constructor(
    readonly stateCode: string,
    readonly name: string,
  ) {}

  discoveryDocument(): Record<string, unknown> {
    return {
      protocol: 'parley',
      versions: [1],
      stateCode: this.stateCode,
      name: this.name,
      isTestState: /^(AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z])$/.test(this.stateCode),
      publicKey: b64url(this.keys.publicKey),
      fingerprint: this.keys.fingerprint,
      endpoints: { inbox: '/federation/v1/inbox', inboxBatch: '/federation/v1/inbox/batch' },
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * §1 and §2: fetches the peer's discovery document and trusts it only when the fingerprint
   * recomputed from `publicKey` equals the one received out of band.
   */
  async trust(url: string, fingerprint: string): Promise<Peer> {
    const res = await fetch(new URL('/.well-known/parley', url), { redirect: 'error' });
    if (res.status !== 200 || !/^application\/json\b/.test(res.headers.get('content-type') ?? '')) throw new Error(`discovery at ${url} answered ${res.status} ${res.headers.get('content-type')}`);
    const doc = strictJsonParse(await res.text()) as Record<string, any>;
    if (doc.protocol !== 'parley' || !Array.isArray(doc.versions) || !doc.versions.includes(1)) throw new Error('not a Parley node of version 1');
    if (typeof doc.publicKey !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(doc.publicKey)) throw new Error('no raw Ed25519 key in base64url');
    const publicKey = Buffer.from(doc.publicKey, 'base64url');
    const computed = fingerprintOf(publicKey);
    if (computed !== fingerprint) throw new Error(`fingerprint mismatch: entered ${fingerprint}, presented key has ${computed}`);
    const peer: Peer = { stateCode: doc.stateCode, url, publicKey, fingerprint, inbox: doc.endpoints.inbox, inboxBatch: doc.endpoints.inboxBatch, discovery: doc };
    this.peers.set(peer.stateCode, peer);
    return peer;
  }

  /** Signs an envelope from this node; fields given override the defaults. */
  envelope(to: string, fields: Pick<Envelope, 'type' | 'body'> & Partial<Envelope>, key = this.keys): { jws: string; hash: string; envelope: Envelope } {
    const envelope: Envelope = { v: 1, id: uuidv7(), sender: this.stateCode, recipient: to, created: new Date().toISOString(), ...fields };
    const jws = signCompact('parley-envelope+jws', envelope, key);
    return { jws, hash: envelopeHash(jws), envelope };
  }

  /** §4: a token for one envelope (`envelope`) or, §4.4, for a batch (`batch` and `count`). */
  deliveryToken(names: { envelope: string } | { batch: string; count: number }, to: string, options: { sent?: Date; nonce?: string; key?: KeyPair } = {}): string {
    const payload = { ...names, to, sent: (options.sent ?? new Date()).toISOString(), nonce: options.nonce ?? randomUUID() };
    return signCompact('parley-delivery+jws', payload, options.key ?? this.keys);
  }

  async deliver(to: string, jws: string, token: string | null = this.deliveryToken({ envelope: envelopeHash(jws) }, to)): Promise<InboxAnswer> {
    const peer = this.peer(to);
    const headers: Record<string, string> = { 'content-type': 'application/jose' };
    if (token !== null) headers['parley-delivery'] = token;
    const res = await fetch(new URL(peer.inbox, peer.url), { method: 'POST', headers, body: jws, redirect: 'error' });
    return { status: res.status, body: (await res.json()) as InboxAnswer['body'] };
  }

  async deliverBatch(to: string, jwses: string[], token = this.deliveryToken({ batch: batchHash(jwses.map(envelopeHash)), count: jwses.length }, to)): Promise<InboxAnswer> {
    const peer = this.peer(to);
    if (!peer.inboxBatch) throw new Error(`${to} takes no batches`);
    const res = await fetch(new URL(peer.inboxBatch, peer.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'parley-delivery': token },
      body: JSON.stringify({ envelopes: jwses }),
      redirect: 'error',
    });
    return { status: res.status, body: (await res.json()) as InboxAnswer['body'] };
  }

  /**
   * §4.2: the receipt verifies with the receiver's key and names the hash sent and the state it
   * was sent to; only then is a message delivered. Returns the receipt's payload.
   */
  verifyReceipt(receipt: string, to: string, hash: string): Record<string, unknown> {
    const peer = this.peer(to);
    const opened = openCompact(receipt, 'parley-receipt+jws');
    if (opened.header.kid !== peer.fingerprint) throw new Error(`receipt signed under kid ${opened.header.kid}, not ${to}'s key ${peer.fingerprint}`);
    if (!opened.verifiesWith(peer.publicKey)) throw new Error(`receipt's signature does not verify with ${to}'s key`);
    const p = opened.payload;
    if (p.v !== 1 || p.status !== 'accepted' || typeof p.received !== 'string' || !RFC3339_MS.test(p.received)) throw new Error(`receipt payload not as §4.2: ${JSON.stringify(p)}`);
    if (p.envelope !== hash) throw new Error(`receipt names ${String(p.envelope)}, not ${hash}`);
    if (p.receiver !== to) throw new Error(`receipt names receiver ${String(p.receiver)}, not ${to}`);
    return p;
  }

  private peer(state: string): Peer {
    const peer = this.peers.get(state);
    if (!peer) throw new Error(`${state} is not a trusted peer of this node`);
    return peer;
  }

  // ---- the receiving side (§4.1, §4.4) -----------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(JSON.stringify(body));
    };
    const problem = (e: unknown) => {
      const r = e instanceof Refusal ? e : new Refusal('internal', 500, 'internal error');
      this.requests.push({ path: req.url ?? '', status: r.status, code: r.code });
      send(r.status, { type: 'about:blank', title: r.code, status: r.status, detail: r.message, code: r.code }, 'application/problem+json');
    };
    try {
      if (req.method === 'GET' && req.url === '/.well-known/parley') return send(200, this.discoveryDocument());
      if (req.method !== 'POST' || (req.url !== '/federation/v1/inbox' && req.url !== '/federation/v1/inbox/batch')) {
        return send(404, { type: 'about:blank', title: 'Not found', status: 404, detail: 'No such route.', code: 'no_such_route' }, 'application/problem+json');
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > 1024 * 1024) throw new Refusal('too_large', 413, 'More than 1 MiB.');
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const token = req.headers['parley-delivery'];
      if (req.url === '/federation/v1/inbox') {
        const result = this.receive(text, typeof token === 'string' ? token : undefined, 'single');
        this.requests.push({ path: req.url, status: 200 });
        return send(200, result);
      }
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new Refusal('unsupported_media_type', 415, 'A batch is application/json.');
      const results = this.receiveBatch(text, typeof token === 'string' ? token : undefined);
      this.requests.push({ path: req.url, status: 200 });
      return send(200, { results });
    } catch (e) {
      problem(e);
    }
  }

  private receiveBatch(text: string, token: string | undefined): InboxAnswer['body'][] {
    let envelopes: unknown;
    try {
      envelopes = (strictJsonParse(text) as { envelopes?: unknown }).envelopes;
    } catch {
      throw new Refusal('malformed', 400, 'The batch is not JSON.');
    }
    if (!Array.isArray(envelopes) || envelopes.length < 1 || envelopes.length > 100 || envelopes.some((e) => typeof e !== 'string')) {
      throw new Refusal('malformed', 400, 'A batch is {"envelopes": [1 to 100 compact JWS]}.');
    }
    const opened = (envelopes as string[]).map((jws) => openCompact(jws, 'parley-envelope+jws'));
    const senders = new Set(opened.map((o) => o.payload.sender));
    if (senders.size !== 1) throw new Refusal('mixed_senders', 400, 'Envelopes from several senders.');
    const peer = this.senderPeer(String([...senders][0]));
    const hashes = (envelopes as string[]).map(envelopeHash);
    this.checkToken(token, peer, { batch: batchHash(hashes), count: hashes.length });
    return (envelopes as string[]).map((jws) => {
      try {
        return this.accept(jws, peer, 'batch');
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        return { status: e.status, code: e.code, detail: e.message };
      }
    });
  }

  private receive(jws: string, token: string | undefined, via: 'single' | 'batch'): InboxAnswer['body'] {
    const opened = openCompact(jws, 'parley-envelope+jws');
    const peer = this.senderPeer(String(opened.payload.sender));
    const result = this.accept(jws, peer, via, () => this.checkToken(token, peer, { envelope: envelopeHash(jws) }));
    return result;
  }

  private senderPeer(sender: string): Peer {
    const peer = this.peers.get(sender);
    if (!peer) throw new Refusal('unknown_sender', 403, `${sender} is not a peer of this node.`);
    return peer;
  }

  /** Checks 7 and 10–12, then (single delivery) the token's 1 and 4–6, 8–9, then 13–15 of §4.1; answers with a receipt. This receiver reads the body before the token, which §4.1 allows but advises against. */
  private accept(jws: string, peer: Peer, via: 'single' | 'batch', checkToken?: () => void): InboxAnswer['body'] {
    const opened = openCompact(jws, 'parley-envelope+jws');
    const e = opened.payload as unknown as Envelope;
    if (e.v !== 1) throw new Refusal('unsupported_version', 400, `Version ${String(e.v)}.`);
    if (typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.created !== 'string' || !RFC3339_MS.test(e.created) || typeof e.body !== 'object' || e.body === null) {
      throw new Refusal('schema_invalid', 400, 'Not an envelope of §3.');
    }
    if (opened.header.kid !== peer.fingerprint || !opened.verifiesWith(peer.publicKey)) throw new Refusal('bad_signature', 401, `Does not verify with ${peer.stateCode}'s key.`);
    if (e.recipient !== this.stateCode) throw new Refusal('wrong_recipient', 400, `For ${e.recipient}, not ${this.stateCode}.`);
    const age = Date.now() - Date.parse(e.created);
    if (age < -FIVE_MINUTES) throw new Refusal('from_future', 400, 'Created in the future.');
    if (age > SEVEN_DAYS + FIVE_MINUTES) throw new Refusal('stale', 400, 'Created too long ago.');
    checkToken?.();
    const hash = envelopeHash(jws);
    const before = this.received.find((r) => r.hash === hash);
    if (before) return { receipt: this.answerReceipt?.(hash, before.receipt) ?? before.receipt, duplicate: true };
    if (this.received.some((r) => r.envelope.id === e.id)) throw new Refusal('id_reused', 409, `Envelope id ${e.id} was already received with different content.`);
    if (!KNOWN_TYPES.has(e.type)) throw new Refusal('unknown_type', 400, `Unknown type ${e.type}.`);
    const receipt = signCompact('parley-receipt+jws', { v: 1, envelope: hash, receiver: this.stateCode, received: new Date().toISOString(), status: 'accepted' }, this.keys);
    this.received.push({ jws, hash, envelope: e, receipt, via });
    return { receipt: this.answerReceipt?.(hash, receipt) ?? receipt, duplicate: false };
  }

  /** The token's checks of §4.1, 1 and 4–6, 8–9 (for a batch, §4.4: the token names the batch). */
  private checkToken(token: string | undefined, peer: Peer, names: { envelope: string } | { batch: string; count: number }): void {
    if (!token) throw new Refusal('delivery_missing', 400, 'No Parley-Delivery header.');
    const opened = openCompact(token, 'parley-delivery+jws', 'delivery_malformed');
    if (opened.header.kid !== peer.fingerprint || !opened.verifiesWith(peer.publicKey)) throw new Refusal('bad_signature', 401, 'The delivery token does not verify.');
    const t = opened.payload;
    const matches = 'envelope' in names ? t.envelope === names.envelope && !('batch' in t) : t.batch === names.batch && t.count === names.count && !('envelope' in t);
    if (!matches || t.to !== this.stateCode) throw new Refusal('delivery_mismatch', 400, 'The delivery token names another delivery.');
    const skew = Date.now() - Date.parse(String(t.sent));
    if (Number.isNaN(skew) || skew > FIVE_MINUTES) throw new Refusal('stale', 400, 'The delivery token is stale.');
    if (skew < -FIVE_MINUTES) throw new Refusal('from_future', 400, 'The delivery token is from the future.');
    const nonce = `${peer.stateCode} ${String(t.nonce)}`;
    if (this.nonces.has(nonce)) throw new Refusal('replayed', 409, 'This delivery token was used before.');
    this.nonces.add(nonce);
  }
}

// ---- the transparency log (§9), checked offline ---------------------------------

/** §9.1: RFC 8785 for entries, which hold strings only: keys sorted by UTF-16 code units, no whitespace. */
export function canonicalEntry(entry: Record<string, string>): string {
  return `{${Object.keys(entry)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(entry[k])}`)
    .join(',')}}`;
}

export const leafHash = (leafData: Buffer): Buffer => sha256(Buffer.concat([Buffer.from([0]), leafData]));
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.concat([Buffer.from([1]), left, right]));

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/**
 * §9.2: a C2SP verifier key `<name>+<key ID hex>+<base64 of the signature type and the Ed25519
 * key>`, split at its first two '+' only (standard base64 may hold '+'); the key ID is the first 4
 * bytes of SHA-256 over the name, a line feed, the type and the key.
 */
function noteKey(verifierKey: string, type: number): { name: string; id: Buffer; key: KeyObject } {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(verifierKey);
  if (!m) throw new Error('not a verifier key <name>+<key ID>+<key>');
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string];
  const key = Buffer.from(keyB64, 'base64');
  if (key.length !== 33 || key[0] !== type) throw new Error(`not a verifier key of type 0x0${type}`);
  const id = sha256(Buffer.concat([Buffer.from(`${name}\n`), key])).subarray(0, 4);
  if (id.toString('hex') !== idHex) throw new Error('verifier key ID does not match its key');
  return { name, id, key: publicKeyObject(key.subarray(1)) };
}

/** A signed note's text (up to and including the line feed before the blank line) and the signatures of `name`, decoded. */
function noteSignatures(note: string, name: string): { text: string; signatures: Buffer[] } {
  const cut = note.indexOf('\n\n');
  if (cut < 0) throw new Error('no blank line before the signatures');
  const signatures = note
    .slice(cut + 2)
    .split('\n')
    .map((line) => /^— (\S+) (\S+)$/.exec(line))
    .filter((m) => m?.[1] === name)
    .map((m) => Buffer.from(m![2]!, 'base64'));
  return { text: note.slice(0, cut + 1), signatures };
}

/** §9.3: a checkpoint whose first line is the origin, with a signature of the log's verifier key. */
export function verifyCheckpoint(note: string, verifierKey: string): Checkpoint {
  const { name, id, key } = noteKey(verifierKey, 0x01);
  const { text, signatures } = noteSignatures(note, name);
  const signed = signatures.some((sig) => sig.length === 68 && sig.subarray(0, 4).equals(id) && verify(null, Buffer.from(text, 'utf8'), key, sig.subarray(4)));
  if (!signed) throw new Error(`no signature of ${name} verifies`);
  const [origin, size, root] = text.split('\n') as [string, string, string];
  if (origin !== name || !/^(0|[1-9]\d*)$/.test(size)) throw new Error('not a checkpoint of this log');
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}

/**
 * The walk RFC 9162 §2.1.3.2 and §2.1.4.2 share: for each hash of `path`, whether it joins on the
 * left, read from the bits of `fn` and `sn`. Returns the final `sn`, which a valid proof brings to 0
 * (-1 when the path is longer than the tree is high).
 */
function walk(fn: number, sn: number, path: Buffer[], join: (hash: Buffer, onLeft: boolean) => void): number {
  const half = () => {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  };
  for (const hash of path) {
    if (sn === 0) return -1;
    if (fn % 2 === 1 || fn === sn) {
      join(hash, true);
      while (fn % 2 === 0 && fn !== 0) half();
    } else {
      join(hash, false);
    }
    half();
  }
  return sn;
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof gives for leaf `index` of a tree of `size`. */
export function rootFromInclusionProof(index: number, size: number, leaf: Buffer, proof: Buffer[]): Buffer {
  if (index >= size) throw new Error('index beyond size');
  let r = leaf;
  const sn = walk(index, size - 1, proof, (p, onLeft) => (r = onLeft ? nodeHash(p, r) : nodeHash(r, p)));
  if (sn !== 0) throw new Error('proof of the wrong length');
  return r;
}

/** RFC 9162 §2.1.4.2: true when `proof` shows the tree of `second` entries extends that of `first`. */
export function verifyConsistency(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, proof: Buffer[]): boolean {
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0 || first > second || proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  const end = walk(fn, sn, path.slice(1), (c, onLeft) => {
    if (onLeft) fr = nodeHash(c, fr);
    sr = onLeft ? nodeHash(c, sr) : nodeHash(sr, c);
  });
  return end === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/**
 * §9.5: a witness's cosignature line on a checkpoint, as C2SP tlog-cosignature defines it: the
 * verifier key holds 0x04 and the key, the line's base64 holds the key ID, an 8-byte big-endian
 * Unix time and the signature over `cosignature/v1`, `time <t>` and the checkpoint's text.
 * Returns the time the witness cosigned at.
 */
export function verifyCosignature(note: string, witnessKey: string): number {
  const { name, id, key } = noteKey(witnessKey, 0x04);
  const { text, signatures } = noteSignatures(note, name);
  for (const sig of signatures) {
    if (sig.length !== 76 || !sig.subarray(0, 4).equals(id)) continue;
    const time = Number(sig.readBigUInt64BE(4));
    if (verify(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8'), key, sig.subarray(12))) return time;
  }
  throw new Error(`no cosignature of ${name} verifies`);
}
