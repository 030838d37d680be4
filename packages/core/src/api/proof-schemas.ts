import { z } from 'zod';

/** HTTP contract of proofs: `GET /log/lookup`, `GET /api/v1/proofs/messages/{hash}`, `POST /api/v1/verify`. */

export const logLookupQuery = z.strictObject({
  hash: z.string().max(100).describe('An envelope hash, sha256:…'),
});

export const logLookupResponse = z.strictObject({
  entries: z.array(
    z.strictObject({
      index: z.number().int().min(0),
      kind: z.string(),
      data: z.string().describe('The leaf data as text; its UTF-8 bytes are what is hashed'),
      leafHash: z.string().describe('Standard base64'),
    }),
  ),
});

export const proofQuery = z.strictObject({
  content: z
    .enum(['include', 'withhold'])
    .default('include')
    .describe('`withhold` leaves the signed envelope out of the bundle: only its hash is proven, and the sender signature cannot be checked'),
  disclose: z
    .string()
    .regex(/^[0-9a-f]{64}(,[0-9a-f]{64})*$/, 'Name the evidence files to disclose by their SHA-256, separated by commas.')
    .optional()
    .describe('With `content=withhold`: the evidence files (by SHA-256) whose salt and hash the bundle discloses, so a verifier can check those files and no others. With the content included, every salt is in the envelope already and all are disclosed.'),
});

export const verifyRequest = z.strictObject({
  bundle: z.unknown().describe('A proof bundle, as downloaded'),
  contentSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .describe('The SHA-256 (hex) of a disclosed evidence file, computed by the client: the file itself is never sent'),
});

export const verifyResponse = z.discriminatedUnion('valid', [
  z.strictObject({
    valid: z.literal(true),
    summary: z.string(),
    envelopeHash: z.string(),
    type: z.string(),
    sender: z.string(),
    receiver: z.string(),
    received: z.string(),
    contentDisclosed: z.boolean(),
    keysTrusted: z.boolean(),
  }),
  z.strictObject({
    valid: z.literal(false),
    code: z.string(),
    field: z.string(),
    reason: z.string(),
  }),
]);
export type VerifyResponse = z.infer<typeof verifyResponse>;
