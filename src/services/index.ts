// The application layer: changes that cross rooms (accounts, the provider's sessions and tokens, mail,
// the audit), one function each, called by every face (pages, operators' API, command line).
export { createAccountChanges, type AccountChanges } from './account-changes.js';
export { createAccountNotifier } from './account-mail.js';
export { issueCommuneToken } from './commune-tokens.js';
export { createInvitationMailer } from './operator-invitation-mail.js';
export { createRetentionJob, type RetentionJob, type RetentionReport } from './retention.js';
export {
  createCounterCodeIssuer,
  createCounterRecovery,
  type CounterCodeIssuerDeps,
  type CounterCodeRequest,
  type CounterRecovery,
  type CounterRecoveryDeps,
  type CounterRecoveryRequest,
} from './counter-recovery.js';
export { createAccountImport, type AccountImport, type ImportReport, type SourceLine } from './account-import.js';
