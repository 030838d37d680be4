import { z } from 'zod';
import { TLP_LEVELS } from '@parley/protocol';

/**
 * A case file: everything the printable record of a consultation or a cooperation request shows,
 * already in words. The domain assembles it (choosing what a reader may see); the PDF renderer
 * only lays it out, so it decides nothing about content or access.
 */
export const caseFileSchema = z.strictObject({
  kind: z.enum(['consultation', 'cooperation-request']),
  title: z.string(),
  reference: z.string(),
  tlp: z.enum(TLP_LEVELS),
  /** RFC 3339; when the file was produced. */
  generatedAt: z.string(),
  parties: z.strictObject({
    from: z.strictObject({ state: z.string(), name: z.string() }),
    to: z.array(z.strictObject({ state: z.string(), name: z.string() })),
  }),
  /** The summary: status, urgency, deadlines, norms… in the order they should be read. */
  fields: z.array(z.strictObject({ label: z.string(), value: z.string() })),
  sections: z.array(z.strictObject({ heading: z.string(), paragraphs: z.array(z.string()) })),
  timeline: z.array(
    z.strictObject({
      /** RFC 3339. */
      at: z.string(),
      actor: z.string(),
      event: z.string(),
      detail: z.string().optional(),
      /** Hashes that identify this step (envelope, receipt…), printed in full. */
      hashes: z.array(z.strictObject({ label: z.string(), value: z.string() })).optional(),
    }),
  ),
  evidence: z.array(
    z.strictObject({
      name: z.string(),
      /** Bytes. */
      size: z.number().int().nonnegative(),
      /** Lower-case hexadecimal, printed in full. */
      sha256: z.string(),
      status: z.string(),
    }),
  ),
  /** The signature and receipt hashes for the annex, and signed times quoted exactly, each printed in full. */
  hashes: z.array(z.strictObject({ label: z.string(), value: z.string() })),
});
export type CaseFile = z.infer<typeof caseFileSchema>;
