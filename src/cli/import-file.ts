// A commune's export as lines, read as a stream whatever its size: JSON lines (one object a line) or CSV with a
// header line (RFC 4180, parsed by csv-parse), told apart by the extension or else by the first character. A
// line no parser can read is handed on as unreadable with its number, so that the report names it.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import type { SourceLine } from '../services/index.js';

export type ImportFormat = 'jsonl' | 'csv';

/** By extension; otherwise a file whose first non-blank character opens a JSON object is JSON lines. */
export async function formatOf(path: string): Promise<ImportFormat> {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (['.jsonl', '.ndjson', '.json'].includes(extension)) return 'jsonl';
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(512), 0, 512, 0);
    return /^\uFEFF?\s*\{/.test(buffer.subarray(0, bytesRead).toString('utf8')) ? 'jsonl' : 'csv';
  } finally {
    await file.close();
  }
}

/**
 * The file's lines, CRLF or LF, read no faster than they are taken: readline's iterator reads ahead without
 * bound (a 100,000-line file ends up queued in memory while the database takes the first batches), whereas a
 * read stream's own iterator waits for the reader.
 */
async function* textLines(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

async function* jsonLines(path: string): AsyncGenerator<SourceLine> {
  let number = 0;
  for await (const text of textLines(path)) {
    number += 1;
    const line = number === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (line.trim() === '') continue;
    let fields: unknown;
    try {
      fields = JSON.parse(line);
    } catch {
      fields = undefined;
    }
    yield typeof fields === 'object' && fields !== null && !Array.isArray(fields)
      ? { line: number, fields: fields as Record<string, unknown> }
      : { line: number, isUnreadable: true };
  }
}

async function* csvLines(path: string): AsyncGenerator<SourceLine> {
  // The parser reports a record it skips (a quote left open, a column too many) while it runs ahead of the
  // reader: those wait here and go out with the next record (the report sorts lines by number).
  const skipped: number[] = [];
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        skipped.push(typeof error?.lines === 'number' ? error.lines : 0);
        return undefined;
      },
    }),
  );
  for await (const { info, record } of parser as AsyncIterable<{ info: { lines: number }; record: Record<string, string> }>) {
    for (const line of skipped.splice(0)) yield { line, isUnreadable: true };
    // info.lines is where the record ends: a quoted value over several lines started that many lines before.
    const spanned = Object.values(record).reduce((count, value) => count + (value.match(/\n/g)?.length ?? 0), 0);
    yield { line: info.lines - spanned, fields: record };
  }
  for (const line of skipped.splice(0)) yield { line, isUnreadable: true };
}

export async function* readImportFile(path: string): AsyncGenerator<SourceLine> {
  yield* (await formatOf(path)) === 'csv' ? csvLines(path) : jsonLines(path);
}
