// The console's CSV downloads: RFC 4180 (quoted when needed, doubled quotes, CRLF between records) and no
// formula for a spreadsheet to run: a text cell starting with = + - @, a tab or a carriage return is
// prefixed with an apostrophe (OWASP's advice), since an audit entry or a name may come from anyone.
import type { Context } from 'koa';

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as written: numbers and booleans as they are, text neutralised then quoted when needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Sends `csv` as a download named `filename` (ASCII, chosen by the console, never by the request). */
export function sendCsv(ctx: Context, filename: string, csv: string): void {
  ctx.status = 200;
  ctx.set('Content-Type', 'text/csv; charset=utf-8');
  ctx.set('Content-Disposition', `attachment; filename="${filename}"`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = csv;
}
