import { z } from 'zod';

/** The evidence part of the API contract. */

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Upload: the file itself is the raw request body (application/octet-stream); these describe it. */
export const evidenceUploadQuery = z.strictObject({
  name: z.string().min(1, 'Give the file name as ?name=…').max(4096).describe('The file’s name; stored as data, made safe (see safeFileName).'),
  malware: booleanFlag.default(false).describe('true for a malware sample: downloads are then marked and never opened.'),
  mediaType: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'Give a media type such as application/vnd.tcpdump.pcap, or leave it out.')
    .optional()
    .describe('What the file is, for people; downloads are always application/octet-stream.'),
  caseId: z.uuid('Expected an identifier (UUID).').optional().describe('The consultation the file belongs to, when known.'),
});

export const evidenceStatus = z.enum(['stored', 'expected', 'transferring', 'received', 'failed']);

export const evidence = z.object({
  id: z.uuid(),
  sha256: z.string().describe('SHA-256 of the content, lowercase hex.'),
  size: z.number().int(),
  name: z.string(),
  mediaType: z.string(),
  malware: z.boolean(),
  originState: z.string().describe('The state whose node the file was uploaded to.'),
  uploadedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: evidenceStatus.describe('stored: uploaded here; expected/transferring: being fetched from its origin; received: fetched and its hash checked; failed: see error.'),
  receivedBytes: z.number().int(),
  error: z.string().nullable(),
  caseId: z.string().nullable(),
  /** Whether this node holds the whole, checked content. */
  available: z.boolean(),
  /** Where to download it, when available. */
  downloadUrl: z.string().nullable(),
});
export type Evidence = z.infer<typeof evidence>;
