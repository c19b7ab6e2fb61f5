// The import's reader hands on each line of a commune's JSON-lines file with its number, whatever the line
// endings and wherever the read stream's chunks happen to cut the text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImportFile } from '../../src/cli/import-file.js';
import type { SourceLine } from '../../src/services/index.js';

function aFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'glc-import-file-')), name);
  writeFileSync(path, text);
  return path;
}

async function linesOf(path: string): Promise<SourceLine[]> {
  const lines: SourceLine[] = [];
  for await (const line of readImportFile(path)) lines.push(line);
  return lines;
}

describe('reading a JSON-lines file', () => {
  it('numbers the lines as an editor does, over CRLF endings, a byte-order mark, blank lines and no final newline', async () => {
    const path = aFile(
      'accounts.jsonl',
      '\uFEFF{"email":"a@example.org"}\r\n\r\n{"email":"b@example.org"}\r\nnot json\r\n{"email":"c@example.org"}',
    );
    expect(await linesOf(path)).toEqual([
      { line: 1, fields: { email: 'a@example.org' } },
      { line: 3, fields: { email: 'b@example.org' } },
      { line: 4, isUnreadable: true },
      { line: 5, fields: { email: 'c@example.org' } },
    ]);
  });

  it('keeps whole a line that the read stream cuts between two chunks', async () => {
    // Longer than a read stream's 64 KiB chunk: the line is cut at least once, and so are the next ones.
    const long = 'x'.repeat(100_000);
    const text = Array.from({ length: 5 }, (_, i) => JSON.stringify({ email: `n${i}@example.org`, note: long })).join('\n') + '\n';
    const lines = await linesOf(aFile('long.jsonl', text));
    expect(lines.map((l) => ('fields' in l ? [l.line, l.fields.email, (l.fields.note as string).length] : l))).toEqual(
      Array.from({ length: 5 }, (_, i) => [i + 1, `n${i}@example.org`, long.length]),
    );
  });

  it('keeps a multi-byte character that a chunk boundary falls inside', async () => {
    const name = 'é'.repeat(70_000);
    const lines = await linesOf(aFile('accents.jsonl', JSON.stringify({ given_name: name }) + '\n'));
    expect(lines).toEqual([{ line: 1, fields: { given_name: name } }]);
  });
});
