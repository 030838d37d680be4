import { z } from 'zod';
import { WITNESS_STATUSES } from '../domain/witness-ports.js';

/** The administrators' view of witnessing (`GET /api/v1/log/witness`) and the public witness queries. */

const seenCheckpoint = z.object({
  checkpoint: z.string().describe('The signed checkpoint, verbatim'),
  source: z.string().describe('Which state served it, and at which URL'),
  seenAt: z.iso.datetime(),
});

export const forkEvidence = z.object({
  id: z.uuid(),
  origin: z.string(),
  stateCode: z.string().describe('The state whose log showed two histories'),
  reason: z.string(),
  detectedAt: z.iso.datetime(),
  first: seenCheckpoint,
  second: seenCheckpoint,
});

export const witnessOverviewResponse = z.object({
  self: z.object({
    origin: z.string(),
    witnessName: z.string().describe('The key name this node cosigns under'),
    witnessVerifierKey: z.string().describe('C2SP verifier key of this node as a witness (type 0x04)'),
    checkpointSize: z.number().int().nonnegative().nullable(),
    cosignatures: z
      .array(z.object({ stateCode: z.string(), size: z.number().int().nonnegative(), signedAt: z.iso.datetime(), receivedAt: z.iso.datetime() }))
      .describe("Each peer's cosignature of the largest checkpoint of this node it cosigned"),
  }),
  peers: z.array(
    z.object({
      stateCode: z.string(),
      name: z.string(),
      peerStatus: z.enum(['trusted', 'suspended']),
      origin: z.string().nullable(),
      size: z.number().int().nonnegative().nullable(),
      root: z.string().nullable(),
      witnessedAt: z.iso.datetime().nullable(),
      checkedAt: z.iso.datetime().nullable(),
      status: z.enum(WITNESS_STATUSES),
      problem: z.string().nullable(),
      checkpoint: z.string().nullable().describe('The latest checkpoint witnessed, as the log signed it'),
      refused: z.string().nullable().describe('The last checkpoint refused, verbatim'),
      forks: z.number().int().nonnegative(),
    }),
  ),
  forks: z.array(forkEvidence),
});

export const cosignatureQuery = z.strictObject({
  origin: z.string({ error: 'origin is required' }).min(1, 'origin is required').max(200).regex(/^[^\s+]+$/, 'origin is a log origin, such as parley.xab.0a1b2c3d'),
});

const treeInteger = (what: string) =>
  z
    .string()
    .regex(/^(?:0|[1-9][0-9]*)$/, `${what} must be a whole number without leading zeros`)
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER, `${what} is too large`));

export const cosignedCheckpointQuery = z.strictObject({ size: treeInteger('size').optional(), minSize: treeInteger('minSize').optional() });

export type WitnessOverviewResponse = z.infer<typeof witnessOverviewResponse>;
export type ForkEvidence = z.infer<typeof forkEvidence>;
