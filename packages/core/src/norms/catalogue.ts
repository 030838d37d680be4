import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DomainError, notFound } from '../errors.js';

/**
 * The catalogue of rules of responsible state behaviour ships as data: one JSON file per list in
 * packages/core/data/norms/. Adding a list (the 2021 reports, a regional list) is adding a file.
 * Every file is validated when the node starts, so a broken list stops the node rather than
 * showing half a catalogue.
 */

/** The six official languages of the United Nations; English is required, the rest as they are added. */
export const normLanguages = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;
export type NormLanguage = (typeof normLanguages)[number];

const entryId = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,40}$/, 'An entry id is lower-case letters, digits, dots and dashes.');
const nonEmpty = z.string().trim().min(1);

export const normEntryFile = z.strictObject({
  id: entryId,
  title: nonEmpty.max(200),
  text: z.strictObject({
    en: nonEmpty,
    ar: nonEmpty.optional(),
    zh: nonEmpty.optional(),
    fr: nonEmpty.optional(),
    ru: nonEmpty.optional(),
    es: nonEmpty.optional(),
  }),
  source: z.strictObject({ symbol: nonEmpty.max(100), paragraph: nonEmpty.max(50), url: z.url().optional() }),
  overlaps: z.array(entryId).default([]),
  /** True only where the text was checked against the official document. */
  verified: z.boolean(),
  note: z.string().optional(),
});

export const normListFile = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/),
  version: nonEmpty.max(20),
  title: nonEmpty.max(300),
  symbol: nonEmpty.max(100),
  date: z.iso.date(),
  url: z.url().optional(),
  entries: z.array(normEntryFile).min(1),
});

export type NormEntryFile = z.output<typeof normEntryFile>;
export type NormListFile = z.output<typeof normListFile>;
export type NormEntry = NormEntryFile & { list: string };
export interface NormList extends Omit<NormListFile, 'entries'> {
  entries: NormEntry[];
}
export interface NormCatalogue {
  lists: NormList[];
  byId: ReadonlyMap<string, NormEntry>;
}

export const defaultCatalogueDir = fileURLToPath(new URL('../../data/norms/', import.meta.url));

/** Reads and checks every list in `dir`: valid files, list id = file name, unique entry ids, overlaps that exist. */
export function loadNormCatalogue(dir: string = defaultCatalogueDir): NormCatalogue {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`the norms catalogue at ${dir} has no lists`);
  const lists: NormList[] = [];
  const byId = new Map<string, NormEntry>();
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(`${dir.replace(/\/?$/, '/')}${file}`, 'utf8'));
    } catch (e) {
      throw new Error(`norms catalogue ${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const parsed = normListFile.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`norms catalogue ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    if (`${parsed.data.id}.json` !== file) throw new Error(`norms catalogue ${file}: the list id "${parsed.data.id}" must match the file name`);
    const entries = parsed.data.entries.map((e) => ({ ...e, list: parsed.data.id }));
    for (const e of entries) {
      if (byId.has(e.id)) throw new Error(`norms catalogue ${file}: entry id ${e.id} is used twice`);
      byId.set(e.id, e);
    }
    lists.push({ ...parsed.data, entries });
  }
  for (const e of byId.values()) {
    for (const o of e.overlaps) if (!byId.has(o)) throw new Error(`norms catalogue: ${e.id} overlaps unknown entry ${o}`);
  }
  return { lists, byId };
}

let loaded: NormCatalogue | undefined;

/** The catalogue shipped with this node, read once. */
export function normCatalogue(): NormCatalogue {
  return (loaded ??= loadNormCatalogue());
}

/** The entry, or a not-found problem that names the identifier. */
export function normEntry(id: string): NormEntry {
  const e = normCatalogue().byId.get(id);
  if (!e) throw notFound('unknown_norm', `There is no entry "${id}" in the catalogue of norms. Entry identifiers look like gge2015-13a or a73-27-1.1.`);
  return e;
}

/**
 * For other features (consultations, requests) that name the entries at stake: throws an
 * `unknown_norm` invalid-input error naming the first identifier the catalogue does not hold.
 */
export function assertKnownNorms(ids: readonly string[]): void {
  const { byId } = normCatalogue();
  for (const id of ids) {
    if (!byId.has(id)) {
      throw new DomainError('invalid', 'unknown_norm', `There is no entry "${id}" in the catalogue of norms. Entry identifiers look like gge2015-13a or a73-27-1.1.`, {
        issues: [{ path: 'norms', message: `Unknown entry "${id}".` }],
        extensions: { norm: id },
      });
    }
  }
}

export const isKnownNorm = (id: string): boolean => normCatalogue().byId.has(id);

