// Only the library's "no such interaction" makes an interaction expired: every other failure keeps its meaning.
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import { AppError } from '../../src/errors.js';
import { loadInteraction, type InteractionDeps } from '../../src/interactions/context.js';

/** The deps of an interaction step whose provider answers interactionDetails with `details`. */
function depsWhere(details: () => Promise<unknown>): InteractionDeps {
  return { provider: () => ({ interactionDetails: details }) } as unknown as InteractionDeps;
}

const ctx = { req: {}, res: {}, params: { uid: 'the-uid' } } as unknown as Context;

describe('loadInteraction', () => {
  it('answers interaction_expired when the library finds no such interaction', async () => {
    const refusal = loadInteraction(
      depsWhere(async () => {
        throw new errors.SessionNotFound('interaction session not found');
      }),
      ctx,
    );
    await expect(refusal).rejects.toMatchObject({ name: 'AppError', code: 'interaction_expired', kind: 'invalid' });
  });

  it('answers interaction_expired for the interaction of another uid', async () => {
    const refusal = loadInteraction(
      depsWhere(async () => ({ uid: 'another-uid' })),
      ctx,
    );
    await expect(refusal).rejects.toMatchObject({ code: 'interaction_expired' });
  });

  it('lets a database that cannot be read go on as itself, not as an expired interaction', async () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(
      loadInteraction(
        depsWhere(async () => {
          throw outage;
        }),
        ctx,
      ),
    ).rejects.toBe(outage);
  });

  it('lets the library’s other refusals go on as themselves', async () => {
    const other = new errors.InvalidRequest('something else');
    const refusal = loadInteraction(
      depsWhere(async () => {
        throw other;
      }),
      ctx,
    );
    await expect(refusal).rejects.toBe(other);
    await expect(refusal).rejects.not.toBeInstanceOf(AppError);
  });

  it('gives the interaction of the uid in the path', async () => {
    await expect(
      loadInteraction(
        depsWhere(async () => ({ uid: 'the-uid', params: {} })),
        ctx,
      ),
    ).resolves.toEqual({ uid: 'the-uid', params: {} });
  });
});
