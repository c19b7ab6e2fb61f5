// /counter-codes: a counter agent, having checked a citizen's identity at the town hall, hands them a
// one-time code that recovers the account (new password, every second factor removed, every session ended).
// Only a counter agent of the commune named in the body may issue it, not even the Métropole otherwise;
// the audit names the agent and the commune, never the code.
import { Type } from 'typebox';
import { actorOf } from './context.js';
import { route } from './route.js';

const CounterCode = Type.Object(
  {
    code: Type.String({
      description: 'The one-time code to read to the citizen (XXXX-XXXX-XXXX); shown once, kept only as a keyed digest',
    }),
    expires_at: Type.String({ format: 'date-time', description: 'When the code stops working if unused' }),
  },
  { additionalProperties: false, examples: [{ code: 'K7QM-3XWT-9HRP', expires_at: '2026-12-08T10:30:00.000Z' }] },
);

export const counterCodeRoutes = () => [
  route({
    method: 'POST',
    path: '/counter-codes',
    operationId: 'issueCounterCode',
    tag: 'accounts',
    permission: 'any-operator',
    summary: 'Issue a counter code',
    description:
      "For counter agents of the commune in the body only (role counter-agent; metropole-admin and referents without it are refused with 403). After checking the citizen's identity in person, the agent issues a one-time code for the account of this email, valid counterRecovery.codeTtlSeconds (24 h as shipped); it voids the account's earlier unused code. With it, at /account/recover, the citizen chooses a new password: every second factor is removed and every session and token of the account ends. Any citizen may be helped at any commune's counter (accounts are territorial); the audit (account.counter_code_issued) and the citizen's history name the commune.",
    body: Type.Object({
      email: Type.String({ minLength: 1, maxLength: 254, description: "The citizen's account address" }),
      commune: Type.String({ minLength: 1, maxLength: 63, description: 'The slug of the commune whose counter hands the code over' }),
    }),
    example: { email: 'jeanne@example.org', commune: 'bron' },
    answers: { 201: { description: 'The code, to read to the citizen; it is not shown again', schema: CounterCode } },
    refusals: { 404: 'No account with this email, or no such commune' },
    async handle({ body, principal, deps, ctx }) {
      const { code, expiresAt } = await deps.counterRecovery.issueCounterCode(
        actorOf(ctx),
        { email: body.email, commune: body.commune },
        principal,
      );
      return { status: 201 as const, body: { code, expires_at: expiresAt.toISOString() } };
    },
  }),
];
