import { z } from 'zod';
import { formatVerifierKey, SignatureType } from './note/note-keys.js';
import type { KeyObject } from 'node:crypto';

/*
 * Witnessing between peers (docs/protocol.md §9.5): each node fetches its peers' checkpoints,
 * checks each extends the last one it saw, cosigns it (c2sp.org/tlog-cosignature) and publishes
 * what it saw, so that a log showing two peers two histories is caught.
 */

/** Public, unauthenticated paths of the witness, beside the log's own (`LOG_PATHS`). */
export const WITNESS_PATHS = {
  /** JSON: the latest checkpoint this node witnessed of every log it witnesses, as each log signed it. */
  witnessed: '/log/witnessed',
  /** text/plain: `?origin=O`, the latest checkpoint of log O this node cosigned, with its cosignature. */
  cosignature: '/log/witness/cosignature',
  /** text/plain: this node's own checkpoint with the cosignatures its peers gave it (`?size=N` for one size). */
  cosignedCheckpoint: '/log/checkpoint/cosigned',
} as const;

/**
 * The key name under which a node cosigns: its log origin followed by `/witness`. The key is
 * the node key, under signature type 0x04, so its key ID never equals the log key's.
 */
export const witnessName = (logOrigin: string): string => `${logOrigin}/witness`;

/** The C2SP verifier key of a node's witness: `<origin>/witness+<key ID>+<base64 of 0x04 and the key>`. */
export const witnessVerifierKey = (logOrigin: string, publicKey: KeyObject | Uint8Array): string =>
  formatVerifierKey(witnessName(logOrigin), publicKey, SignatureType.CosignatureV1);

/** Bounds a witness enforces on what peers answer, so a peer cannot exhaust it. */
export const WITNESS_LIMITS = {
  /** A checkpoint with its signatures; C2SP notes are small. */
  maxNoteBytes: 16 * 1024,
  /** The `/log/witnessed` document. */
  maxWitnessedBytes: 1024 * 1024,
  /** Logs listed in one `/log/witnessed` document. */
  maxWitnessedLogs: 1000,
} as const;

/** `GET /log/witnessed`. */
export const witnessedDocument = z.object({
  witness: z.object({
    name: z.string().min(1).max(250).describe('The key name this node cosigns under: its log origin and /witness'),
    verifierKey: z.string().max(400).describe('C2SP verifier key of the witness, signature type 0x04 (cosignature/v1)'),
  }),
  logs: z
    .array(
      z.object({
        origin: z.string().min(1).max(200).describe('The log origin'),
        checkpoint: z.string().min(1).max(WITNESS_LIMITS.maxNoteBytes).describe('The latest checkpoint of that log this node verified, as the log signed it (its own signature lines only)'),
        witnessedAt: z.iso.datetime().describe('When this node verified it'),
      }),
    )
    .max(WITNESS_LIMITS.maxWitnessedLogs),
});
export type WitnessedDocument = z.infer<typeof witnessedDocument>;
