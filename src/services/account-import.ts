// Importing a commune's accounts: the file's lines in batches, all in one transaction with its one audit row
// (the counts), so that a failure midway leaves nothing written and a dry run rolls back the very same work;
// each citizen reached for the first time is told once, in their language, through the outbox at the
// configured pace. A line that cannot be taken is refused alone, with its number and reason.
import {
  importBatch,
  isRejection,
  readImportRecord,
  type Conflict,
  type HashFormatOf,
  type ImportRecord,
  type ReachedCitizen,
  type Rejection,
} from '../accounts/index.js';
import type { Config } from '../config.js';
import { withTransaction, type Pool } from '../db/index.js';
import type { Logger } from '../log.js';
import { pacedDelaySeconds, type Mailer, type PacedMail } from '../mail/index.js';
import { audited, type Actor } from '../operators/index.js';
import type { Commune, Communes } from '../registry/index.js';
import { createViews, renderMail, type RenderedMail } from '../views/index.js';

/** One line of the file: its fields by name, or a line no parser could read. */
export type SourceLine = { line: number; fields: Record<string, unknown> } | { line: number; isUnreadable: true };

export interface ImportRequest {
  commune: string;
  lines: AsyncIterable<SourceLine>;
  /** Everything is done, then rolled back: the same report, nothing written, no audit row, no mail sent. */
  isDryRun: boolean;
  /** False (--no-mail): the citizens are not told. */
  isMailing: boolean;
}

/** What an import did (INTERFACES.md: imported, merged, rejected; lines = imported + merged + unchanged + rejected). */
export interface ImportReport {
  commune: string;
  lines: number;
  imported: number;
  merged: number;
  unchanged: number;
  rejected: Rejection[];
  conflicts: Conflict[];
  mails: number;
  dry_run: boolean;
}

export interface AccountImportDeps {
  pool: Pool;
  config: Pick<Config, 'import' | 'issuer' | 'projectRoot'>;
  communes: Pick<Communes, 'getCommune'>;
  /** Which legacy hashes can be verified at sign-in (accounts' legacyHashFormat): a line with another is refused. */
  hashFormatOf: HashFormatOf;
  /** Needed only to tell citizens (a request with isMailing). */
  mailer?: Pick<Mailer, 'enqueuePaced'> | undefined;
  log: Logger;
}

/** Thrown to roll a dry run back once its report is made; caught below, never seen by a caller. */
class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run rolled back');
  }
}

/** How the citizen's mail names the commune's site: its display name, and its address when it has one. */
function siteOf(commune: Commune): string {
  const name = commune.identity.displayName ?? commune.name;
  return commune.identity.websiteUrl ? `${name} (${new URL(commune.identity.websiteUrl).host})` : name;
}

async function* batchesOf(
  lines: AsyncIterable<SourceLine>,
  size: number,
  read: (source: SourceLine) => ImportRecord | Rejection,
  report: ImportReport,
): AsyncGenerator<ImportRecord[]> {
  let batch: ImportRecord[] = [];
  for await (const source of lines) {
    report.lines += 1;
    const taken = read(source);
    if (isRejection(taken)) report.rejected.push(taken);
    else batch.push(taken);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

export function createAccountImport({ pool, config, communes, hashFormatOf, mailer, log }: AccountImportDeps) {
  const views = createViews(config.projectRoot);
  const mailsFor = (commune: Commune): Record<'fr' | 'en', RenderedMail> => {
    const view = { link: `${config.issuer}/account`, vars: { site: siteOf(commune) } };
    return { fr: renderMail(views.page('fr'), 'legacy-import', view), en: renderMail(views.page('en'), 'legacy-import', view) };
  };
  return {
    async importAccounts(by: Actor, request: ImportRequest): Promise<ImportReport> {
      const commune = await communes.getCommune(request.commune);
      const mails = mailsFor(commune);
      // A dry run queues them too, so that its report counts them; its rollback takes them away unsent.
      const isMailing = request.isMailing && mailer !== undefined;
      const report: ImportReport = {
        commune: commune.slug,
        lines: 0,
        imported: 0,
        merged: 0,
        unchanged: 0,
        rejected: [],
        conflicts: [],
        mails: 0,
        dry_run: request.isDryRun,
      };
      const told = (citizens: ReachedCitizen[]): PacedMail[] =>
        citizens.map((citizen, index) => ({
          to: citizen.email,
          ...mails[citizen.locale],
          accountId: citizen.accountId,
          delaySeconds: pacedDelaySeconds(report.mails + index, config.import.mailsPerMinute),
        }));
      try {
        await withTransaction(pool, async (tx) => {
          await audited(tx, by, async () => {
            const now = new Date();
            const read = (source: SourceLine): ImportRecord | Rejection =>
              'fields' in source
                ? readImportRecord(source.line, source.fields, now, hashFormatOf)
                : { line: source.line, reason: 'line_unreadable' };
            for await (const batch of batchesOf(request.lines, config.import.batchSize, read, report)) {
              const outcome = await importBatch(tx, commune.slug, batch);
              report.imported += outcome.imported;
              report.merged += outcome.merged;
              report.unchanged += outcome.unchanged;
              report.rejected.push(...outcome.rejected);
              report.conflicts.push(...outcome.conflicts);
              if (isMailing) report.mails += await mailer.enqueuePaced(told(outcome.reached), { db: tx });
            }
            report.rejected.sort((a, b) => a.line - b.line);
            report.conflicts.sort((a, b) => a.line - b.line);
            const counts = { ...report, rejected: report.rejected.length, conflicts: report.conflicts.length };
            return {
              result: undefined,
              audit: { action: 'account.imported', communeSlug: commune.slug, target: `commune:${commune.slug}`, after: counts },
            };
          });
          if (request.isDryRun) throw new DryRunDone(report);
        });
      } catch (error) {
        if (!(error instanceof DryRunDone)) throw error;
      }
      const { rejected, conflicts, ...counts } = report;
      log.info({ event: 'account.imported', ...counts, rejected: rejected.length, conflicts: conflicts.length }, 'account.imported');
      return report;
    },
  };
}

export type AccountImport = ReturnType<typeof createAccountImport>;
