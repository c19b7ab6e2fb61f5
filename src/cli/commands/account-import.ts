// glc account import: a commune's accounts from its own sites, merged with those here (services/account-import.ts
// holds the rules). The file is read as a stream; the mails go through the outbox at the configured pace, the
// first ones before the command returns and the rest from the server's mail worker.
import { access, constants } from 'node:fs/promises';
import { legacyHashFormat } from '../../accounts/index.js';
import { createRegistry } from '../../registry/index.js';
import { createAccountImport, type ImportReport } from '../../services/index.js';
import { cliActor } from '../actor.js';
import { defineCommand } from '../command.js';
import { cliMailer } from '../mailer.js';
import { flag, required } from '../options.js';
import { UsageError } from '../usage.js';
import { readImportFile } from '../import-file.js';

function textOf(report: ImportReport): string {
  return [
    `${report.dry_run ? 'dry run (nothing written): ' : ''}${report.lines} lines for ${report.commune}: ${report.imported} accounts imported, ` +
      `${report.merged} merged, ${report.unchanged} unchanged, ${report.rejected.length} rejected, ${report.conflicts.length} conflicts, ` +
      `${report.mails} citizens told by mail`,
    ...report.rejected.map((r) => `line ${r.line}: rejected, ${r.reason}${r.field ? ` (${r.field})` : ''}`),
    ...report.conflicts.map((c) => `line ${c.line}: ${c.field} differs, the ${c.kept === 'line' ? "line's" : "account's"} value kept`),
  ].join('\n');
}

export const accountImport = defineCommand({
  name: 'account import',
  summary: "bring a commune site's accounts in, merged by address with those here (JSON lines or CSV with a header)",
  options: {
    commune: required('SLUG', 'the commune whose sites the accounts come from'),
    file: required(
      'FILE',
      'one citizen a line: email, given_name, family_name, phone_number, street_address, postal_code, locality, created_at, legacy_id, password_hash (email_verified, locale optional)',
    ),
    'dry-run': flag('do everything, then roll it back: the same report, nothing written'),
    'no-mail': flag('tell no citizen by mail'),
  },
  async run(context, values) {
    await access(values.file, constants.R_OK).catch(() => {
      throw new UsageError(`--file: cannot read ${values.file}`);
    });
    // Commander reads a flag named --no-X as X's negation: the value under 'no-mail' is "mail", true unless --no-mail.
    const isMailing = values['no-mail'];
    const mail = isMailing ? cliMailer(context) : undefined;
    const importer = createAccountImport({
      pool: context.db.pool,
      config: context.config,
      communes: createRegistry({ db: context.db.pool, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 }),
      hashFormatOf: legacyHashFormat,
      mailer: mail?.mailer,
      log: context.log,
    });
    try {
      const report = await importer.importAccounts(cliActor(), {
        commune: values.commune,
        lines: readImportFile(values.file),
        isDryRun: values['dry-run'],
        isMailing,
      });
      return { json: report, text: textOf(report) };
    } finally {
      await mail?.flush();
    }
  },
});
