// The console's help desk: a counter agent finds a citizen's account by its exact address only (a part of it
// finds nothing), every search writes an audit row, a lock needs a reason (the error on its field), the
// verification mail is resent; a commune's referent is refused the pages and their posts.
import { anAccount } from '../support/builders.js';
import { anOperatorPerson, consolePage } from '../support/console.js';
import { mailsTo } from '../support/outbox.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, type Page, type UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [{ slug: 'oullins', name: 'Oullins' }],
    accounts: { agent: {}, referent: {} },
  }),
);

let session: { page: Page; agent: UserAgent };

beforeAll(async () => {
  await anOperatorPerson(world.server, world.agent, 'counter-agent', ['oullins']);
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
  session = await consolePage(world.server, world.agent, '/admin/help-desk');
});

const lookUps = async () =>
  Number((await world.server.pool.query("select count(*) from audit_log where action = 'account.looked_up'")).rows[0].count);

/** Searches the address through the help desk's form; answers the page. */
async function search(email: string): Promise<Page> {
  const page = await session.agent.navigate('/admin/help-desk');
  if (!isPage(page)) throw new Error('expected the help desk');
  const form = formsOf(page.html).findIndex((f) => f.action === '/admin/help-desk');
  const result = await session.agent.submit(page, { email }, form);
  if (!isPage(result)) throw new Error('expected the help desk');
  return result;
}

const formOn = (page: Page, action: string) => formsOf(page.html).findIndex((f) => f.action.endsWith(action));

describe('the help desk', () => {
  it('opens for a counter agent, whose console has no other section', async () => {
    expect(session.page.status).toBe(200);
    expect(new URL(session.page.url).pathname).toBe('/admin/help-desk');
    const nav = /<nav aria-label="Sections de la console"[\s\S]*?<\/nav>/.exec(session.page.html)![0];
    expect([...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['/admin/help-desk']);
  });

  it('finds an account by its exact address and shows its verification, lock and last sign-in', async () => {
    const citizen = await anAccount(world.server.accounts);
    const found = await search(citizen.email);
    expect(found.status).toBe(200);
    expect(found.html).toContain('<h2 id="help-desk-account">Compte trouvé</h2>');
    expect(found.html).toContain(`<dd>${citizen.email}</dd>`);
    expect(found.html).toContain('<dt>Adresse vérifiée</dt><dd>Oui</dd>');
    expect(found.html).toContain('<dt>Verrouillage</dt><dd>Non verrouillé</dd>');
    expect(found.html).toContain('<dt>Dernière connexion</dt><dd>Jamais</dd>');
    // The address stays out of the URL: the search is posted.
    expect(found.url).not.toContain(encodeURIComponent(citizen.email));
  });

  it('finds nothing with a part of an address', async () => {
    const citizen = await anAccount(world.server.accounts);
    for (const partial of [citizen.email.split('@')[0]!, citizen.email.slice(1), '@example.org']) {
      const page = await search(partial);
      expect(page.html).toContain('Aucun compte ne porte exactement cette adresse.');
      expect(page.html).not.toContain('Compte trouvé');
      expect(page.html).not.toContain(citizen.email);
    }
  });

  it('writes one audit row for each search, found or not', async () => {
    const citizen = await anAccount(world.server.accounts);
    const before = await lookUps();
    await search(citizen.email);
    await search('personne.inconnue@example.org');
    expect(await lookUps()).toBe(before + 2);
    const { rows } = await world.server.pool.query<{ actor: string; target: string | null }>(
      "select actor, target from audit_log where action = 'account.looked_up' order by id desc limit 2",
    );
    expect(rows).toEqual([
      { actor: `account:${world.agent.id}`, target: null },
      { actor: `account:${world.agent.id}`, target: `account:${citizen.id}` },
    ]);
  });

  it('locks only with a reason: without one, the account again with the error on the reason field', async () => {
    const citizen = await anAccount(world.server.accounts);
    const found = await search(citizen.email);
    const refused = await session.agent.submit(found, { reason: '  ' }, formOn(found, '/lock'));
    if (!isPage(refused)) throw new Error('expected a page');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<p class="field-error" id="field-reason-error">Indiquez la raison du verrouillage.</p>');
    expect(refused.html).toMatch(
      /<textarea id="field-reason" name="reason" rows="3" aria-describedby="field-reason-hint field-reason-error" aria-invalid="true" required>/,
    );
    expect(refused.html).toContain(`<dd>${citizen.email}</dd>`);
    expect((await world.server.accounts.findById(citizen.id))?.lockedAt).toBeUndefined();

    const locked = await session.agent.submit(refused, { reason: 'Usurpation signalée au guichet' }, formOn(refused, '/lock'));
    if (!isPage(locked)) throw new Error('expected a page');
    expect(locked.html).toContain('Le compte est verrouillé');
    expect((await world.server.accounts.findById(citizen.id))?.lockedAt).toBeInstanceOf(Date);
    const { rows } = await world.server.pool.query<{ after: { reason: string } }>(
      "select after from audit_log where action = 'account.locked' and target = $1",
      [`account:${citizen.id}`],
    );
    expect(rows.map((r) => r.after.reason)).toEqual(['Usurpation signalée au guichet']);

    const again = await search(citizen.email);
    expect(again.html).toContain('Verrouillé : aucune connexion possible');
    const unlocked = await session.agent.submit(again, {}, formOn(again, '/unlock'));
    if (!isPage(unlocked)) throw new Error('expected a page');
    expect(unlocked.html).toContain('Le compte est déverrouillé.');
    expect((await world.server.accounts.findById(citizen.id))?.lockedAt).toBeUndefined();
  });

  it('resends the verification mail of an unverified address', async () => {
    const citizen = await world.server.accounts.register({
      email: 'a.verifier@example.org',
      password: 'une phrase de passe assez longue',
      givenName: 'Jeanne',
      familyName: 'Dupont',
      emailVerified: false,
    });
    // Registration mailed the first link.
    const before = (await mailsTo(world.server, citizen.email)).length;
    const found = await search(citizen.email);
    expect(found.html).toContain('<dt>Adresse vérifiée</dt><dd>Non, pas encore</dd>');
    const done = await session.agent.submit(found, {}, formOn(found, '/verification-mail'));
    if (!isPage(done)) throw new Error('expected a page');
    expect(done.html).toContain('Un nouveau message de vérification est envoyé');
    expect(await mailsTo(world.server, citizen.email)).toHaveLength(before + 1);
  });

  it('refuses a search posted without the CSRF token (403), and audits nothing', async () => {
    const before = await lookUps();
    const response = await session.agent.request('/admin/help-desk', { method: 'POST', form: { email: world.referent.email } });
    expect(response.status).toBe(403);
    expect(await lookUps()).toBe(before);
  });
});

describe('the help desk refused to a commune referent', () => {
  it('answers the page with 403 and a readable page, and the referent’s navigation has no help desk', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/help-desk');
    expect(page.status).toBe(403);
    expect(page.html).toContain('Vous n’êtes pas autorisé à faire cela.');
    const home = await agent.navigate('/admin');
    if (!isPage(home)) throw new Error('expected the home page');
    expect(home.html).not.toContain('href="/admin/help-desk"');
  });

  it('refuses the referent’s search and lock posts (403), audits no search, locks nothing', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { agent } = await consolePage(world.server, world.referent, '/admin/operators');
    const page = await agent.navigate('/admin/operators');
    if (!isPage(page)) throw new Error('expected a console page');
    const csrf = formsOf(page.html).find((f) => f.action === '/admin/logout')!.fields._csrf!;
    const before = await lookUps();
    const searched = await agent.request('/admin/help-desk', { method: 'POST', form: { _csrf: csrf, email: citizen.email } });
    expect(searched.status).toBe(403);
    expect(await searched.text()).not.toContain(citizen.id);
    const lock = await agent.request(`/admin/help-desk/accounts/${citizen.id}/lock`, {
      method: 'POST',
      form: { _csrf: csrf, email: citizen.email, reason: 'essai' },
    });
    expect(lock.status).toBe(403);
    expect(await lookUps()).toBe(before);
    expect((await world.server.accounts.findById(citizen.id))?.lockedAt).toBeUndefined();
  });
});
