import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { characterCount } from '../api/fields.js';
import { DomainError } from '../errors.js';
import { assertMay, record } from '../domain/audit.js';
import type { DomainContext, RequestMeta } from '../domain/context.js';
import { actorLabel, type Actor } from '../domain/policies.js';
import { isAssignedStateCode, isUserAssignedCode } from '../states.js';
import { normCatalogue } from './catalogue.js';
import { normPositionValues, type NormPositionRecord, type NormPositionValue } from './ports.js';
import { getNormMatrix, isFutureStatementDate, normSelfCode, presentNormNote, publishNormPositions } from './positions.js';

/**
 * Positions in bulk: a CSV file with the columns state, entry, position, statement, source, date
 * (a header row names them, in any order). Every row is checked before anything is stored, so the
 * person importing sees each bad line with its reason and chooses: import nothing, or the valid rows.
 */

export const NORM_CSV_COLUMNS = ['state', 'entry', 'position', 'statement', 'source', 'date'] as const;
const MAX_ROWS = 5000;

export interface NormImportRow {
  line: number;
  state: string;
  entry: string;
  position: NormPositionValue;
  statement: string;
  source: string;
  date: string | null;
  origin: 'own' | 'recorded';
}
export interface NormImportError {
  line: number;
  message: string;
}

const fileProblem = (code: string, message: string) => new DomainError('invalid', code, message);

/** Parses and checks a CSV file; never throws for a bad row, only for a file that cannot be read as CSV at all. */
export function checkNormCsv(csv: string, self: string, now = new Date()): { rows: number; valid: NormImportRow[]; errors: NormImportError[] } {
  // The browser reads the file as UTF-8 and puts U+FFFD for every byte that is not: a file saved
  // in a legacy encoding (Excel's "CSV" in Windows-1256 or GBK, say) would import as garbage.
  const unreadable = csv.indexOf('\uFFFD');
  if (unreadable >= 0) {
    const line = csv.slice(0, unreadable).split('\n').length;
    throw fileProblem('csv_not_utf8', `The file is not UTF-8 text: line ${line} has characters that could not be read (shown as �). Save it again as UTF-8 (in Excel, "CSV UTF-8 (Comma delimited)"; in LibreOffice, the character set "Unicode (UTF-8)") and import that file.`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw fileProblem('csv_malformed', `The file cannot be read as CSV${line ? ` (line ${line})` : ''}: ${e instanceof Error ? e.message.replace(/^Invalid [^:]*: /, '') : String(e)}. Check quotes around fields that contain commas.`);
  }
  const [header, ...body] = records;
  if (!header) throw fileProblem('csv_empty', 'The file has no rows. The first row must name the columns: state, entry, position, statement, source, date.');
  const names = header.record.map((h) => h.toLowerCase());
  const missing = NORM_CSV_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) {
    throw fileProblem('csv_header_invalid', `The first row must name the columns state, entry, position, statement, source, date; missing: ${missing.join(', ')}.`);
  }
  if (body.length > MAX_ROWS) throw fileProblem('csv_too_many_rows', `The file has ${body.length} rows; import at most ${MAX_ROWS} at a time.`);
  const col = Object.fromEntries([...NORM_CSV_COLUMNS, 'origin'].map((c) => [c, names.indexOf(c)])) as Record<(typeof NORM_CSV_COLUMNS)[number] | 'origin', number>;
  const { byId } = normCatalogue();
  const valid: NormImportRow[] = [];
  const errors: NormImportError[] = [];
  const seen = new Map<string, number>();
  for (const { record: r, info } of body) {
    const line = info.lines;
    const fail = (message: string) => errors.push({ line, message: `Line ${line}: ${message}` });
    if (r.length !== header.record.length) {
      fail(`expected ${header.record.length} fields, found ${r.length}. Put quotes around a statement that contains commas.`);
      continue;
    }
    const get = (c: keyof typeof col) => unescapeFormula(r[col[c]] ?? '');
    const state = get('state').toUpperCase();
    const entry = get('entry');
    const position = get('position');
    // NFC, as text typed into the node is (api/fields.ts), so lengths and comparisons agree.
    const statement = get('statement').normalize('NFC');
    const source = get('source').normalize('NFC');
    const date = get('date');
    if (!/^[A-Z]{3}$/.test(state) || !(isAssignedStateCode(state) || isUserAssignedCode(state))) {
      fail(`"${get('state')}" is not a state code; use ISO 3166-1 alpha-3, such as CHE.`);
      continue;
    }
    if (!byId.has(entry)) {
      fail(`there is no entry "${entry}" in the catalogue; entries look like gge2015-13a or a73-27-1.1.`);
      continue;
    }
    if (!(normPositionValues as readonly string[]).includes(position)) {
      fail(`"${position}" is not a position; use one of ${normPositionValues.join(', ')}.`);
      continue;
    }
    if (date && (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date)) {
      fail(`"${date}" is not a date; write it as YYYY-MM-DD, such as 2024-03-15.`);
      continue;
    }
    if (date && isFutureStatementDate(date, now)) {
      fail(`${date} is in the future; a statement date is the day the statement was made.`);
      continue;
    }
    if (characterCount(statement) > 5000) {
      fail('the statement has more than 5000 characters.');
      continue;
    }
    if (characterCount(source) > 500) {
      fail('the source has more than 500 characters.');
      continue;
    }
    // The column the export adds: a position a peer published itself is kept as that state sent
    // it, and importing it would turn it into one this node recorded, under the officer's name.
    const claimed = col.origin >= 0 ? get('origin').toLowerCase() : '';
    if (claimed === 'published') {
      fail(`${state} published this position itself (origin "published"), and this node keeps it as ${state} sent it. Delete the line; or, to record it from a document, write origin "recorded" and give that document as the source.`);
      continue;
    }
    if (claimed && claimed !== 'own' && claimed !== 'recorded') {
      fail(`"${get('origin')}" is not an origin; leave the column empty, or write own or recorded.`);
      continue;
    }
    const origin = state === self ? 'own' : 'recorded';
    if (claimed === 'own' && origin !== 'own') {
      fail(`origin "own" is for positions of this node's state, ${self}; ${state}'s position can only be recorded from a source (origin "recorded").`);
      continue;
    }
    if (statement && !source) {
      fail('a statement needs its source (a document symbol or a URL).');
      continue;
    }
    if (origin === 'recorded' && !source) {
      fail(`a position of ${state} recorded by this node needs a source (a document symbol or a URL).`);
      continue;
    }
    const key = `${state} ${entry}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(`${state} and ${entry} appear already on line ${earlier}; give each state's position on an entry once.`);
      continue;
    }
    seen.set(key, line);
    valid.push({ line, state, entry, position: position as NormPositionValue, statement, source, date: date || null, origin });
  }
  return { rows: body.length, valid, errors };
}

export function previewNormImport(ctx: DomainContext, actor: Actor, csv: string) {
  assertMay(actor, 'norms.write');
  const { rows, valid, errors } = checkNormCsv(csv, normSelfCode(ctx), ctx.now());
  return { rows, valid: valid.length, errors, preview: valid.slice(0, 100) };
}

/** Stores the rows of a checked file: all of them or none (`all_or_nothing`), or only the valid ones. */
export async function importNormCsv(ctx: DomainContext, actor: Actor, input: { csv: string; mode: 'all_or_nothing' | 'valid_rows' }, meta: RequestMeta) {
  assertMay(actor, 'norms.write');
  const self = normSelfCode(ctx);
  const { rows, valid, errors } = checkNormCsv(input.csv, self, ctx.now());
  if (errors.length && input.mode === 'all_or_nothing') {
    throw new DomainError('invalid', 'csv_rows_invalid', `${errors.length} of ${rows} rows cannot be imported, so nothing was imported. Correct them, or choose to import only the valid rows.`, {
      issues: errors.map((e) => ({ path: `line.${e.line}`, message: e.message })),
    });
  }
  const now = ctx.now();
  const by = actorLabel(actor);
  await ctx.store.transaction(async (tx) => {
    for (const r of valid) {
      const p: NormPositionRecord = { stateCode: r.state, normId: r.entry, origin: r.origin, position: r.position, statement: r.statement, source: r.source, statedOn: r.date, recordedAt: now, recordedBy: by };
      await tx.norms.putPosition(p);
    }
    await record(tx, ctx, actor, meta, { action: 'norms.import', entityType: 'norms', entityId: 'import', before: null, after: { rows, imported: valid.length, skipped: errors.length } });
    if (valid.some((r) => r.origin === 'own')) await publishNormPositions(tx, ctx);
  });
  ctx.onQueued?.();
  return { imported: valid.length, skipped: errors };
}

/** Every position this node knows (its own, recorded, and published by peers) and its own notes. */
export async function exportNorms(ctx: DomainContext, actor: Actor) {
  assertMay(actor, 'norms.read');
  const self = normSelfCode(ctx);
  const matrix = await getNormMatrix(ctx, actor, {});
  const notes = (await ctx.store.norms.notes()).map((n) => presentNormNote(self, n));
  return { state: self, exportedAt: ctx.now().toISOString(), positions: matrix.cells, notes };
}

/**
 * The same positions as CSV, in the columns the import reads, plus where each came from. A cell
 * that a spreadsheet would take for a formula (it starts with = + - @, a tab or a carriage
 * return) is written with a leading apostrophe, as spreadsheets themselves mark text: statements
 * and sources come from peers too, and a formula in them would run when an officer opens the file.
 */
export async function exportNormsCsv(ctx: DomainContext, actor: Actor): Promise<string> {
  const { positions } = await exportNorms(ctx, actor);
  return stringify(
    positions.map((p) => [p.state, p.entry, p.position, p.statement, p.source, p.date ?? '', p.origin]),
    // The byte-order mark tells spreadsheet programs the file is UTF-8; Excel reads Arabic,
    // Chinese or Cyrillic statements as garbage without it. The import skips it.
    { header: true, columns: [...NORM_CSV_COLUMNS, 'origin'], escape_formulas: true, bom: true },
  );
}

/** The import reads back what the export wrote: the apostrophe that marks a formula-like cell as text is not part of it. */
const unescapeFormula = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

