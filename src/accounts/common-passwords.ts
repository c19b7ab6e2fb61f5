// The offline list of common and breached passwords a citizen may not choose: zxcvbn's common-password
// dictionary (from public breach corpora) and our French supplement in config/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dictionary } from '@zxcvbn-ts/language-common';

export interface CommonPasswords {
  has(password: string): boolean;
}

export function loadCommonPasswords(projectRoot: string): CommonPasswords {
  const french = readFileSync(join(projectRoot, 'config', 'common-passwords-fr.txt'), 'utf8').split('\n');
  const words = new Set([...(dictionary['passwords-common'] as string[]), ...french].map((w) => w.trim().toLowerCase()).filter(Boolean));
  return { has: (password) => words.has(password.normalize('NFKC').toLowerCase()) };
}
