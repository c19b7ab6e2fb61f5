import { createAccounts } from '../../accounts/index.js';
import { createOperators, type OperatorRecord, type OperatorTarget } from '../../operators/index.js';
import { createRegistry } from '../../registry/index.js';
import { cliActor } from '../actor.js';
import { parse, required, UsageError } from '../args.js';
import type { CliContext } from '../context.js';

function operatorsOf(context: CliContext) {
  const db = context.db.pool;
  return createOperators({
    pool: db,
    accounts: createAccounts({ db, config: context.config, log: context.log }),
    registry: createRegistry({ db, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 }),
  });
}

export function operatorJson(record: OperatorRecord) {
  return {
    ...(record.accountId ? { account: record.accountId, email: record.email ?? null } : { client_id: record.clientId }),
    roles: record.roles.map((r) => ({ role: r.role, communes: r.communes })),
  };
}

const OPTIONS = {
  email: { type: 'string' }, client: { type: 'string' }, role: { type: 'string' }, commune: { type: 'string', multiple: true },
} as const;

function targetOf(values: { email?: string | undefined; client?: string | undefined }): OperatorTarget {
  if (Boolean(values.email) === Boolean(values.client)) throw new UsageError('give exactly one of --email or --client');
  return values.email ? { email: values.email } : { clientId: values.client! };
}

function describe(record: OperatorRecord): string {
  const who = record.email ?? record.clientId ?? record.accountId;
  if (record.roles.length === 0) return `${who}: no role`;
  return `${who}: ${record.roles.map((r) => (r.communes.length ? `${r.role} (${r.communes.join(', ')})` : r.role)).join('; ')}`;
}

export async function operatorChangeCommand(kind: 'grant' | 'revoke', context: CliContext, argv: string[]) {
  const values = parse(argv, OPTIONS);
  const target = targetOf(values as { email?: string; client?: string });
  const communes = (values.commune as string[] | undefined) ?? [];
  const record = await operatorsOf(context)[kind](target, required(values, 'role'), communes, cliActor());
  return { json: operatorJson(record), text: describe(record) };
}

export async function operatorListCommand(context: CliContext, argv: string[]) {
  parse(argv, {});
  const operators = await operatorsOf(context).list();
  return { json: { operators: operators.map(operatorJson) }, text: operators.length ? operators.map(describe).join('\n') : 'no operator' };
}

export { operatorsOf };
