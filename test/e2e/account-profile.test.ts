// The profile a citizen edits at /account is what the commune sites read; every /account form is
// CSRF-protected, with a readable page when the token is missing.
import { anAccount } from '../support/builders.js';
import { mailsTo } from '../support/outbox.js';
import { pageAt, signedIn, submitTo } from '../support/account-space.js';
import { oidc, signInAt, type Credentials } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'villeurbanne', name: 'Villeurbanne' },
      { slug: 'ecully', name: 'Écully' },
    ],
    clients: { site: { scope: 'openid profile email phone address' } },
  }),
);

const PROFILE = {
  given_name: 'Aïcha',
  family_name: 'Martin',
  phone_number: '06 12 34 56 78',
  street_address: '20 rue du Lac',
  postal_code: '69003',
  locality: 'Lyon',
  commune: 'ecully',
  locale: 'en',
};

async function saveProfile(agent: UserAgent, fields: Record<string, string>): Promise<Page> {
  const form = await pageAt(agent, '/account');
  const result = await submitTo(agent, form, '/account/profile', fields);
  if (!isPage(result)) throw new Error('expected a page');
  return result;
}

/** What the commune site reads about the citizen (userinfo), signed in with every scope. */
async function siteReads(citizen: Credentials) {
  const { config, tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), citizen, {
    scope: 'openid profile email phone address',
  });
  return () => oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
}

describe('the profile', () => {
  it('shows the commune sites what the citizen entered: names, phone, address, language', async () => {
    const citizen = await anAccount(world.server.accounts, { givenName: 'Aicha', familyName: 'Martinez' });
    const userinfo = await siteReads(citizen);
    expect(await userinfo()).toMatchObject({ given_name: 'Aicha', family_name: 'Martinez', locale: 'fr' });

    const agent = await signedIn(world.server.issuer, citizen);
    const saved = await saveProfile(agent, PROFILE);
    expect(saved.status).toBe(200);
    // The citizen chose English: the account space now speaks it.
    expect(saved.html).toContain('<html lang="en"');
    expect(saved.html).toContain('Your changes are saved.');

    const claims = await userinfo();
    expect(claims).toMatchObject({
      given_name: 'Aïcha',
      family_name: 'Martin',
      name: 'Aïcha Martin',
      phone_number: '06 12 34 56 78',
      locale: 'en',
      address: { street_address: '20 rue du Lac', postal_code: '69003', locality: 'Lyon', country: 'France' },
    });
  });

  it('offers the communes of the registry as commune of residence, and keeps the one chosen', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const form = await pageAt(agent, '/account');
    expect(form.html).toMatch(/<option value="ecully">Écully<\/option>/);
    expect(form.html).toMatch(/<option value="villeurbanne">Villeurbanne<\/option>/);

    await saveProfile(agent, { ...PROFILE, locale: 'fr' });
    expect((await pageAt(agent, '/account')).html).toMatch(/<option value="ecully" selected>Écully<\/option>/);
    const exported = (await (await agent.request('/account/export.json')).json()) as { profile: { commune: string } };
    expect(exported.profile.commune).toBe('ecully');
  });

  it('refuses a commune that is not in the registry and keeps the profile as it was', async () => {
    const citizen = await anAccount(world.server.accounts, { givenName: 'Inès' });
    const agent = await signedIn(world.server.issuer, citizen);
    const refused = await saveProfile(agent, { ...PROFILE, commune: 'atlantis' });
    expect(refused.status).toBe(400);
    expect(refused.html).not.toMatch(/at .*\.(ts|js):\d+/);
    expect((await world.server.accounts.findById(citizen.id))!.givenName).toBe('Inès');
  });

  it('refuses a phone number that is not one, and says how to write it', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const refused = await saveProfile(agent, { ...PROFILE, phone_number: 'appelez-moi' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Saisissez un numéro de téléphone valide');
    expect((await world.server.accounts.findById(citizen.id))!.phoneNumber).toBeUndefined();
  });
});

describe('CSRF on the account forms', () => {
  it('refuses a form posted without its token with a readable 403 page, and changes nothing', async () => {
    const citizen = await anAccount(world.server.accounts, { givenName: 'Jeanne' });
    const agent = await signedIn(world.server.issuer, citizen);
    const form = await pageAt(agent, '/account');
    const { _csrf: _omitted, ...fields } = formsOf(form.html).find((f) => f.action === '/account/profile')!.fields;
    const before = await world.server.accounts.findById(citizen.id);

    const refused = await agent.navigate('/account/profile', { method: 'POST', form: { ...fields, ...PROFILE } });
    expect(isPage(refused) && refused.status).toBe(403);
    expect(isPage(refused) && refused.html).toContain('<html lang="fr"');
    expect(isPage(refused) && refused.html).toContain('Le formulaire a expiré');
    expect(before).toMatchObject({ givenName: 'Jeanne' });
    expect(await world.server.accounts.findById(citizen.id)).toEqual(before);
  });

  it('refuses a token taken from another browser', async () => {
    const citizen = await anAccount(world.server.accounts, { givenName: 'Jeanne' });
    const victim = await signedIn(world.server.issuer, citizen);
    const attacker = await signedIn(world.server.issuer, await anAccount(world.server.accounts));
    const attackerForm = formsOf((await pageAt(attacker, '/account')).html).find((f) => f.action === '/account/profile')!;

    const refused = await victim.navigate('/account/profile', { method: 'POST', form: { ...attackerForm.fields, ...PROFILE } });
    expect(isPage(refused) && refused.status).toBe(403);
    expect((await world.server.accounts.findById(citizen.id))!.givenName).toBe('Jeanne');
  });

  it('protects the public forms too: no forgotten-password mail without the token', async () => {
    const citizen = await anAccount(world.server.accounts);
    const refused = await new UserAgent(world.server.issuer).navigate('/account/password/forgot', {
      method: 'POST',
      form: { email: citizen.email },
    });
    expect(isPage(refused) && refused.status).toBe(403);
    expect(isPage(refused) && refused.html).toContain('Le formulaire a expiré');
    expect(await mailsTo(world.server, citizen.email)).toHaveLength(0);
  });
});
