// A commune site's back-channel logout endpoint on 127.0.0.1: it keeps the logout tokens it receives.
import { createServer } from 'node:http';
import { decodeJwt, type JWTPayload } from 'jose';
import { freePort } from './server.js';

export interface LogoutReceiver {
  uri: string;
  /** The claims of every logout token received so far, oldest first. */
  received: JWTPayload[];
  /** The same tokens as they arrived, to verify their signature. */
  tokens: string[];
  /** Resolves once `count` logout tokens have arrived. */
  waitFor(count: number): Promise<JWTPayload[]>;
  stop(): Promise<void>;
}

export async function startLogoutReceiver(): Promise<LogoutReceiver> {
  const received: JWTPayload[] = [];
  const tokens: string[] = [];
  let notify: (() => void) | undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) {
        tokens.push(token);
        received.push(decodeJwt(token));
      }
      res.writeHead(200).end();
      notify?.();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    uri: `http://127.0.0.1:${port}/backchannel-logout`,
    received,
    tokens,
    async waitFor(count) {
      while (received.length < count)
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
      return received;
    },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
      }),
  };
}
