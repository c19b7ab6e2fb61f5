// The offline list of common and breached passwords a citizen may not choose: zxcvbn's common-password
// dictionary (from public breach corpora) and our French supplement (config/common-passwords-fr.txt).
import { dictionary } from '@zxcvbn-ts/language-common';

export interface CommonPasswords {
  has(password: string): boolean;
}

export function loadCommonPasswords(french: readonly string[]): CommonPasswords {
  const words = new Set([...dictionary['passwords-common'], ...french].map((w) => w.trim().toLowerCase()).filter(Boolean));
  return { has: (password) => words.has(password.normalize('NFKC').toLowerCase()) };
}
