import { z } from 'zod';
import { limits } from '../limits.js';
import { isoTime } from './time.js';

/*
 * Rules of responsible state behaviour: a state publishes where it stands on each entry of the
 * norms catalogue, and what it has done to implement it. Each message carries the sender's whole
 * current snapshot, so a newer one replaces an older one and nothing depends on order.
 */

const entry = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,40}$/);

export const publishedNormPosition = z.strictObject({
  entry,
  position: z.enum(['endorses', 'endorses_with_reservations', 'does_not_endorse', 'no_stated_position']),
  statement: z.string().max(limits.norms.statement),
  /** A document symbol or a URL; present whenever there is a statement. */
  source: z.string().max(limits.norms.source),
  date: z.iso.date().nullable(),
  updatedAt: isoTime,
});
export type PublishedNormPosition = z.infer<typeof publishedNormPosition>;

export const publishedNormNote = z.strictObject({
  entry,
  text: z.string().max(limits.norms.note),
  sources: z.array(z.string().max(limits.norms.source)).max(limits.norms.noteSources),
  updatedAt: isoTime,
});
export type PublishedNormNote = z.infer<typeof publishedNormNote>;

export const normMessages = {
  /** The sender's current positions on the norms catalogue and its implementation notes; a newer snapshot replaces an older one. */
  'norms.positions': z.strictObject({
    publishedAt: isoTime,
    positions: z.array(publishedNormPosition).max(2000),
    notes: z.array(publishedNormNote).max(2000),
  }),
} as const;
