import { z } from 'zod';

/**
 * The Traffic Light Protocol, version 2.0, as the FIRST TLP SIG publishes it (first.org/tlp,
 * authoritative since August 2022). TLP says how far a recipient may pass information on; it is
 * not a classification. Labels are kept in their original English form in every language, as the
 * standard requires.
 */

/** The five labels, from the least to the most restrictive. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];
export const tlpSchema = z.enum(TLP_LEVELS);

/** Who information would reach if passed on, from the widest circle to the narrowest. */
export const TLP_AUDIENCES = [
  'public',
  'community',
  'recipient-organisation-and-clients',
  'recipient-organisation',
  'named-recipients-only',
] as const;
export type TlpAudience = (typeof TLP_AUDIENCES)[number];

export type TlpDefinition = {
  level: Tlp;
  /** The label as it must appear on a document: "TLP:AMBER+STRICT". */
  label: `TLP:${Tlp}`;
  /** FIRST's one-line definition of the label. */
  definition: string;
  /** The widest audience the label allows a recipient to share with. */
  widest: TlpAudience;
  /**
   * The colours FIRST prescribes for the label (TLP 2.0, "Colour-coding in RGB, CMYK and Hex"):
   * the label text in `text`, on a black `background`, for legibility to readers with low vision.
   */
  colour: { text: `#${string}`; background: `#${string}`; rgb: readonly [number, number, number] };
};

const onBlack = '#000000' as const;

/**
 * The labels with FIRST's short definitions, word for word from first.org/tlp (AMBER+STRICT's is
 * the standard's note under TLP:AMBER). Translations should use FIRST's published translations.
 */
export const TLP: Readonly<Record<Tlp, TlpDefinition>> = Object.freeze({
  CLEAR: {
    level: 'CLEAR',
    label: 'TLP:CLEAR',
    definition: 'Recipients can spread this to the world, there is no limit on disclosure.',
    widest: 'public',
    colour: { text: '#FFFFFF', background: onBlack, rgb: [255, 255, 255] },
  },
  GREEN: {
    level: 'GREEN',
    label: 'TLP:GREEN',
    definition: 'Limited disclosure, recipients can spread this within their community.',
    widest: 'community',
    colour: { text: '#33FF00', background: onBlack, rgb: [51, 255, 0] },
  },
  AMBER: {
    level: 'AMBER',
    label: 'TLP:AMBER',
    definition: 'Limited disclosure, recipients can only spread this on a need-to-know basis within their organization and its clients.',
    widest: 'recipient-organisation-and-clients',
    colour: { text: '#FFC000', background: onBlack, rgb: [255, 192, 0] },
  },
  'AMBER+STRICT': {
    level: 'AMBER+STRICT',
    label: 'TLP:AMBER+STRICT',
    definition: 'Restricts sharing to the organization only.',
    widest: 'recipient-organisation',
    colour: { text: '#FFC000', background: onBlack, rgb: [255, 192, 0] },
  },
  RED: {
    level: 'RED',
    label: 'TLP:RED',
    definition: 'For the eyes and ears of individual recipients only, no further disclosure.',
    widest: 'named-recipients-only',
    colour: { text: '#FF2B2B', background: onBlack, rgb: [255, 43, 43] },
  },
});

/** The label as written on documents and in subject lines: `TLP:AMBER+STRICT`. */
export function tlpLabel(level: Tlp): `TLP:${Tlp}` {
  return TLP[level].label;
}

/**
 * Reads a label as people write it ("TLP:AMBER", "amber+strict", "TLP: GREEN"), and the TLP 1.0
 * WHITE, which TLP 2.0 replaced with CLEAR. Returns undefined for anything else.
 */
export function parseTlp(text: string): Tlp | undefined {
  const t = text.trim().toUpperCase().replace(/^TLP\s*:\s*/, '').replace(/\s+/g, '');
  if (t === 'WHITE') return 'CLEAR';
  return (TLP_LEVELS as readonly string[]).includes(t) ? (t as Tlp) : undefined;
}

/**
 * May information marked `level` be passed on to `audience`? TLP sets the widest circle a
 * recipient may share with; any narrower circle is allowed, any wider one needs the source's
 * explicit permission (which is outside this function).
 */
export function mayShareOnward(level: Tlp, audience: TlpAudience): boolean {
  return TLP_AUDIENCES.indexOf(audience) >= TLP_AUDIENCES.indexOf(TLP[level].widest);
}

/** The more restrictive of two labels: what a document combining both must carry. */
export function stricterOf(a: Tlp, b: Tlp): Tlp {
  return TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b) ? a : b;
}
