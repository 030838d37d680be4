import { z } from 'zod';

export { PROTOCOL_VERSION } from './envelope/schema.js';

/** `GET /.well-known/parley`: what a node says about itself, so a peer can check its key. */
export const discoveryDocument = z.object({
  protocol: z.literal('parley'),
  versions: z.array(z.number().int().positive()).min(1),
  stateCode: z.string().regex(/^[A-Z]{3}$/),
  name: z.string().min(1).max(200),
  isTestState: z.boolean(),
  /** Raw 32-byte Ed25519 public key, base64url without padding. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/),
  endpoints: z.object({
    inbox: z.string().regex(/^\//, 'a path beginning with /'),
    /** Where a sender may deliver several envelopes in one request (section 4.4); absent where the node takes one at a time. */
    inboxBatch: z.string().regex(/^\//, 'a path beginning with /').optional(),
  }),
  /** The node's transparency log: its origin and the C2SP verifier key that checks its checkpoints. */
  log: z
    .object({
      origin: z.string().min(1).max(200).regex(/^[^\s+]+$/).describe('The log origin, first line of every checkpoint'),
      verifierKey: z.string().max(300).describe('C2SP signed-note verifier key: <origin>+<key ID hex>+<base64 of 0x01 and the Ed25519 key>'),
    })
    .optional(),
});
export type DiscoveryDocument = z.infer<typeof discoveryDocument>;

export const INBOX_PATH = '/federation/v1/inbox';
export const INBOX_BATCH_PATH = '/federation/v1/inbox/batch';
export const ENVELOPE_MEDIA_TYPE = 'application/jose';
