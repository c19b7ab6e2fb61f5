import { defineCommand } from '../command.js';
import { optional } from '../options.js';
import { UsageError } from '../usage.js';
import { operatorsOf } from './operator.js';

/**
 * --since accepts a date (2026-11-01), a timestamp, or a duration back from now (7d, 12h); without it, the last
 * `defaultDays` (operatorsApi.audit.defaultDays: the API and glc read the same reach by default).
 */
export function parseSince(value: string | undefined, defaultDays: number, now = Date.now()): Date {
  if (value === undefined) return new Date(now - defaultDays * 86_400_000);
  const duration = /^(\d+)([dh])$/.exec(value);
  if (duration) return new Date(now - Number(duration[1]) * (duration[2] === 'd' ? 86_400_000 : 3_600_000));
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since: a date (2026-11-01) or a duration (7d, 12h), got "${value}"`);
  return date;
}

export const audit = defineCommand({
  name: 'audit',
  summary: 'list the audit log: who changed what, through the API or glc',
  options: {
    since: optional(
      'WHEN',
      'a date (2026-11-01), a timestamp or a duration back from now (7d, 12h); default operatorsApi.audit.defaultDays (30d)',
    ),
  },
  async run(context, values) {
    const since = parseSince(values.since, context.config.operatorsApi.audit.defaultDays);
    const entries = await operatorsOf(context).readAudit(since, 'cli');
    const json = {
      entries: entries.map((e) => ({
        at: e.at.toISOString(),
        actor: e.actor,
        actor_label: e.actorLabel ?? null,
        action: e.action,
        commune: e.communeSlug ?? null,
        target: e.target ?? null,
        before: e.before ?? null,
        after: e.after ?? null,
        origin: e.origin ?? null,
      })),
    };
    const text = entries.length
      ? entries
          .map((e) => `${e.at.toISOString()}  ${e.action}  ${e.communeSlug ?? '-'}  ${e.target ?? '-'}  by ${e.actorLabel ?? e.actor}`)
          .join('\n')
      : 'no audit entry';
    return { json, text };
  },
});
