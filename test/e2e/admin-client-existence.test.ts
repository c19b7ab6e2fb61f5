// An operator probing another commune's client ids through the operators' API learns nothing: the refusal
// for a client of another commune is the refusal for a client nobody registered, word for word.
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['oullins', 'lyon'],
    clients: { lyonSite: { commune: 'lyon' } },
    operators: { referent: { role: 'commune-referent', communes: ['oullins'] } },
  }),
);

describe('a client of another commune, asked for by its id', () => {
  it.each([
    ['GET', ''],
    ['PATCH', ''],
    ['POST', '/disable'],
    ['POST', '/secret'],
    ['DELETE', ''],
  ])('answers %s …%s exactly as for an unknown client', async (method, suffix) => {
    const ask = (clientId: string) =>
      world.api.call(
        world.referent.bearer,
        method as 'GET' | 'PATCH' | 'POST' | 'DELETE',
        `/communes/oullins/clients/${clientId}${suffix}`,
        method === 'GET' || method === 'DELETE' ? undefined : {},
      );
    const existing = await ask(world.lyonSite.clientId);
    const unknown = await ask('a-client-nobody-registered');
    expect(existing.status).toBe(404);
    const blank = (body: { error_description?: string }) => body.error_description?.replace(/"[^"]*"/g, '"…"');
    expect({ status: existing.status, error: existing.body.error, description: blank(existing.body) }).toEqual({
      status: unknown.status,
      error: unknown.body.error,
      description: blank(unknown.body),
    });
  });
});
