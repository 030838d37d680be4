import { z } from 'zod';

/**
 * The public log endpoints (`/log/...`, outside /api/v1, no sign-in): their query parameters
 * and answers. Sizes and indexes are decimal integers without leading zeros, as in checkpoints.
 */
const treeInteger = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .regex(/^(?:0|[1-9][0-9]*)$/, `${what} must be a whole number without leading zeros`)
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER, `${what} is too large`));

export const inclusionProofQuery = z.strictObject({ index: treeInteger('index'), size: treeInteger('size') });
export const consistencyProofQuery = z.strictObject({ old: treeInteger('old'), new: treeInteger('new') });
export const logEntriesQuery = z.strictObject({ start: treeInteger('start'), end: treeInteger('end') });

const base64Hash = z.base64().describe('32-byte SHA-256 hash, standard base64');

export const inclusionProofResponse = z.object({
  leafHash: base64Hash,
  proof: z.array(base64Hash).describe('RFC 9162 §2.1.3 inclusion proof, from the leaf upwards'),
});

export const consistencyProofResponse = z.object({
  oldRoot: base64Hash.describe('Root of the tree of the old size'),
  proof: z.array(base64Hash).describe('RFC 9162 §2.1.4 consistency proof'),
});

export const logEntriesResponse = z.object({
  entries: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      data: z.string().describe('The leaf data: canonical JSON text; its UTF-8 bytes are what is hashed'),
      leafHash: base64Hash.describe('SHA-256(0x00 || UTF-8 of data)'),
    }),
  ),
});

export type InclusionProofResponse = z.infer<typeof inclusionProofResponse>;
export type ConsistencyProofResponse = z.infer<typeof consistencyProofResponse>;
export type LogEntriesResponse = z.infer<typeof logEntriesResponse>;
