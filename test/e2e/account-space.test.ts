import { pageAt } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { oidc, registerAt } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'bron', name: 'Bron' }], clients: { site: {} } }));

describe('the account space', () => {
  it('takes a citizen from registration to a verified email, a revoked site and a dead refresh token', async () => {
    const agent = new UserAgent(world.server.issuer);
    const email = `habitant-${Date.now()}@example.org`;
    const { config, tokens } = await registerAt(world.server, world.site, agent, {
      email,
      givenName: 'Ali',
      familyName: 'Ben',
      password: 'une phrase assez longue pour Bron',
    });
    await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);

    // The link that let the flow go on (confirmRegistration) verified the address on the way.
    const [verification] = await mailsTo(world.server, email);
    expect(verification?.subject).toContain('Vérifiez votre adresse');

    const home = await pageAt(agent, '/account');
    expect(home.html).toContain('Mon profil');
    expect(home.html).not.toContain('pas encore vérifiée');

    const services = await pageAt(agent, '/account/services');
    expect(services.html).toContain(world.site.clientId);
    const revokeIndex = services.html.indexOf('/account/services/revoke');
    expect(revokeIndex).toBeGreaterThan(0);
    const forms = services.html.match(/<form\b/g)!.length;
    const afterRevoke = await agent.submit(services, { client_id: world.site.clientId }, forms - 1);
    expect(isPage(afterRevoke) && afterRevoke.html).toContain('a été retiré');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);

    const history = await pageAt(agent, '/account/history');
    expect(history.html).toContain('Compte créé');
    const journal = await pageAt(agent, '/account/journal');
    expect(journal.html).toContain('(Bron), à la connexion : identifiant');
    expect(journal.html).toMatch(/\(Bron\), à la demande du site : [^<]*adresse électronique/);
    const exported = await agent.request('/account/export.json');
    const data = (await exported.json()) as { profile: { email: string } };
    expect(data.profile.email).toBe(email);
  });
});
