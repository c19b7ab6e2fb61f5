// Every glc command, one row each, in the order `glc --help` lists them; a new command is a new row (and
// a new first word, a row in GROUPS).
import type { CommandSpec } from '../command.js';
import { accountAdd, accountRecoveryCode } from './account.js';
import { accountImport } from './account-import.js';
import { audit } from './audit.js';
import { clientPending } from './client-pending.js';
import { clientAdd, clientRotateSecret } from './client.js';
import { communeToken } from './commune-token.js';
import { communeAdd, communeSet } from './commune.js';
import { keysRetire, keysRotate } from './keys.js';
import { migrate } from './migrate.js';
import { operatorGrant, operatorList, operatorRevoke } from './operator.js';
import { reportContributions, reportUsage } from './report.js';

export const GROUPS: Readonly<Record<string, string>> = {
  commune: 'the communes of the Métropole',
  client: 'the sites and applications of the communes',
  account: "citizens' accounts",
  keys: 'the signing keys of ID tokens',
  operator: "who may manage what, through the operators' API and glc",
  report: 'usage and contributions, per commune',
};

export const COMMANDS: readonly CommandSpec[] = [
  migrate,
  communeAdd,
  communeSet,
  communeToken,
  clientAdd,
  clientRotateSecret,
  clientPending,
  accountAdd,
  accountRecoveryCode,
  accountImport,
  keysRotate,
  keysRetire,
  operatorGrant,
  operatorRevoke,
  operatorList,
  audit,
  reportUsage,
  reportContributions,
];
