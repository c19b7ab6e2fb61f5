// A secret piped to glc (`--password-stdin`): the whole of standard input, less the one newline that
// `echo` or a password manager's output ends it with; the secret itself is never echoed.
import { UsageError } from './usage.js';

export async function readSecret(flagName: string, input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const secret = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (secret === '') throw new UsageError(`${flagName}: standard input held nothing`);
  return secret;
}
