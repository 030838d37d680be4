import { z } from 'zod';
import { limits } from '@parley/protocol';
import { text } from '../api/fields.js';
import { normPositionValues } from './ports.js';

/** HTTP contract of the norms feature: catalogue, positions, matrix, CSV import and export, public page. */

const positionList = normPositionValues.join(', ');
export const normPositionValue = z.enum(normPositionValues, { error: `Choose one of: ${positionList}.` });
const day = z.iso.date('Give the date as YYYY-MM-DD, such as 2024-03-15.');
const entryRef = z.string().trim().min(1, 'Name the entry, such as gge2015-13a.').max(64);

export const normEntryView = z.object({
  id: z.string(),
  list: z.string(),
  title: z.string(),
  text: z.record(z.string(), z.string()).describe('Full text by language code (ar, zh, en, fr, ru, es); English is always present.'),
  languages: z.array(z.string()),
  source: z.object({ symbol: z.string(), paragraph: z.string(), url: z.string().optional() }),
  overlaps: z.array(z.string()),
  verified: z.boolean().describe('False where the text has not been confirmed against the official document; it is then a summary.'),
  note: z.string().optional(),
});
export type NormEntryView = z.infer<typeof normEntryView>;

export const normListView = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  symbol: z.string(),
  date: z.string(),
  url: z.string().optional(),
  entries: z.array(normEntryView),
});
export const normCatalogueView = z.object({ lists: z.array(normListView) });

export const normPositionView = z.object({
  state: z.string(),
  entry: z.string(),
  position: normPositionValue,
  statement: z.string(),
  source: z.string(),
  date: z.string().nullable(),
  origin: z.enum(['own', 'recorded', 'published']).describe('own: this node’s state; published: what a peer state published itself; recorded: recorded by this node from a source.'),
  recordedAt: z.string(),
  recordedBy: z.string().nullable(),
});
export type NormPositionView = z.infer<typeof normPositionView>;

export const normNoteView = z.object({
  state: z.string(),
  entry: z.string(),
  text: z.string(),
  sources: z.array(z.string()),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export type NormNoteView = z.infer<typeof normNoteView>;

export const normInvocationView = z.object({ caseType: z.string(), caseId: z.string(), title: z.string(), createdAt: z.string() });

export const normEntryQuery = z.strictObject({ entry: entryRef });
export const normEntryDetail = z.object({
  entry: normEntryView,
  own: normPositionView.nullable(),
  history: z.array(normPositionView),
  note: normNoteView.nullable(),
  others: z.array(normPositionView).describe('Other states’ positions: published by them, or recorded by this node.'),
  peerNotes: z.array(normNoteView),
  invocations: z.array(normInvocationView),
});

export const setNormPositionRequest = z.strictObject({
  entry: entryRef,
  position: normPositionValue,
  statement: text(limits.norms.statement, 'Statement').default(''),
  source: text(limits.norms.source, 'Source').default('').describe('A document symbol (such as A/C.1/78/PV.5) or a URL; required with a statement.'),
  date: day.nullable().optional(),
});
export type SetNormPosition = z.output<typeof setNormPositionRequest>;

export const setNormNoteRequest = z.strictObject({
  entry: entryRef,
  text: text(limits.norms.note, 'Implementation note'),
  sources: z.array(text(limits.norms.source, 'Source').pipe(z.string().min(1, 'A source may not be empty.'))).max(limits.norms.noteSources, `At most ${limits.norms.noteSources} sources.`).default([]),
});

export const normMatrixQuery = z.strictObject({
  list: z.string().max(64).optional(),
  position: normPositionValue.optional(),
});
export const normMatrix = z.object({
  states: z.array(z.object({ code: z.string(), name: z.string(), isTestState: z.boolean(), self: z.boolean() })),
  entries: z.array(z.object({ id: z.string(), list: z.string(), title: z.string(), verified: z.boolean() })),
  cells: z.array(normPositionView),
});

export const normInvocationCounts = z.object({ counts: z.array(z.object({ entry: z.string(), title: z.string(), list: z.string(), count: z.number().int() })) });

const csvBody = z.string().min(1, 'The CSV file is empty.').max(900_000, 'The CSV file is larger than 900 KB; split it.');
export const normImportPreviewRequest = z.strictObject({ csv: csvBody });
export const normImportRow = z.object({
  line: z.number().int(),
  state: z.string(),
  entry: z.string(),
  position: normPositionValue,
  statement: z.string(),
  source: z.string(),
  date: z.string().nullable(),
  origin: z.enum(['own', 'recorded']),
});
export const normImportError = z.object({ line: z.number().int(), message: z.string() });
export const normImportPreview = z.object({
  rows: z.number().int().describe('Data rows in the file (the header not counted).'),
  valid: z.number().int(),
  errors: z.array(normImportError),
  preview: z.array(normImportRow).describe('The first 100 valid rows, as they would be stored.'),
});
export const normImportRequest = z.strictObject({
  csv: csvBody,
  mode: z.enum(['all_or_nothing', 'valid_rows']).describe('all_or_nothing: refuse the file if any row is bad; valid_rows: import the valid rows and skip the bad ones.'),
});
export const normImportResult = z.object({ imported: z.number().int(), skipped: z.array(normImportError) });

export const normExport = z.object({
  state: z.string(),
  exportedAt: z.string(),
  positions: z.array(normPositionView),
  notes: z.array(normNoteView),
});

export const normPublication = z.object({ published: z.boolean(), changedAt: z.string().nullable(), changedBy: z.string().nullable() });
export const setNormPublicationRequest = z.strictObject({ published: z.boolean() });

export const publicNorms = z.object({
  state: z.object({ code: z.string(), name: z.string(), isTestState: z.boolean() }),
  lists: z.array(normListView),
  positions: z.array(normPositionView),
  notes: z.array(normNoteView),
});

