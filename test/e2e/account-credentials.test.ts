// The password policy a citizen meets (NIST SP 800-63B, CNIL 2022), and changing the password or the
// email from the account space: each asks for the current password; a new email counts once verified.
import { anAccount } from '../support/builders.js';
import { formIndex, mailsArrived, pageAt, signedIn, submitTo } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { registrationPageFrom } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'oullins', name: 'Oullins-Pierre-Bénite' }] }));

const logsIn = async (email: string, password: string) => (await world.server.accounts.authenticate(email, password)) !== undefined;

/** A signed-in citizen and a way to post the change-password form. */
async function citizenChangingPassword() {
  const citizen = await anAccount(world.server.accounts);
  const agent = await signedIn(world.server.issuer, citizen);
  const change = async (current: string, next: string): Promise<Page> => {
    const form = await pageAt(agent, '/account/password');
    const result = await submitTo(agent, form, '/account/password', { current_password: current, new_password: next });
    if (!isPage(result)) throw new Error('expected a page');
    return result;
  };
  return { citizen, agent, change };
}

/** Every ASCII character of `text` in its full-width form (what some Asian keyboards type). */
const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');

describe('the password policy', () => {
  it.each([
    ['shorter than 12 characters', 'court123', 'au moins 12 caractères'],
    ['the email address', 'EMAIL', 'ne doit pas être votre adresse électronique'],
    ['in the French list of common passwords', 'motdepasse123', 'trop courant'],
    ['in the list of breached passwords', 'qwertyuiop123', 'trop courant'],
  ])('refuses a new password %s, in plain words, and keeps the old one', async (_case, candidate, explanation) => {
    const { citizen, change } = await citizenChangingPassword();
    const refused = await change(citizen.password, candidate === 'EMAIL' ? citizen.email : candidate);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(explanation);
    expect(await logsIn(citizen.email, citizen.password)).toBe(true);
  });

  it('refuses a common password at registration too', async () => {
    const agent = new UserAgent(world.server.issuer);
    const register = await registrationPageFrom(agent, await pageAt(agent, '/account'));
    const email = `inscription-${Date.now()}@example.org`;
    const refused = await agent.submit(register, { given_name: 'Léa', family_name: 'Roux', email, password: 'qwertyuiop123' });
    expect(isPage(refused) && refused.status).toBe(400);
    expect(isPage(refused) && refused.html).toContain('trop courant');
    expect(await logsIn(email, 'qwertyuiop123')).toBe(false);
  });

  it('accepts any Unicode character, and recognises the password however the keyboard composed it', async () => {
    const { citizen, change } = await citizenChangingPassword();
    const password = 'mot de passe très long ✓ 日本';
    expect((await change(citizen.password, password)).html).toContain('Votre mot de passe a été changé');

    await expect(signedIn(world.server.issuer, { email: citizen.email, password })).resolves.toBeInstanceOf(UserAgent);
    await expect(signedIn(world.server.issuer, { email: citizen.email, password: fullWidth(password) })).resolves.toBeInstanceOf(UserAgent);
    expect(await logsIn(citizen.email, password.normalize('NFD'))).toBe(true);
    expect(await logsIn(citizen.email, 'mot de passe tres long ✓ 日本')).toBe(false);
  });
});

describe('changing the password', () => {
  it('refuses a wrong current password and changes nothing', async () => {
    const { citizen, change } = await citizenChangingPassword();
    const refused = await change('pas le bon mot de passe', 'un nouveau mot de passe solide');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Le mot de passe actuel est incorrect');
    expect(await logsIn(citizen.email, citizen.password)).toBe(true);
    expect(await logsIn(citizen.email, 'un nouveau mot de passe solide')).toBe(false);
  });

  it('takes the new password with the right current one, and tells the citizen by mail', async () => {
    const { citizen, change } = await citizenChangingPassword();
    const done = await change(citizen.password, 'un nouveau mot de passe solide');
    expect(done.status).toBe(200);
    expect(done.html).toContain('Votre mot de passe a été changé');
    expect(await logsIn(citizen.email, 'un nouveau mot de passe solide')).toBe(true);
    expect(await logsIn(citizen.email, citizen.password)).toBe(false);
    const [notice] = await mailsArrived(world.server, citizen.email);
    expect(notice!.subject).toContain('Votre mot de passe a changé');
  });
});

describe('changing the email', () => {
  async function requestChange(fields: { email: string; current_password: string }) {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const form = await pageAt(agent, '/account/email');
    const result = await submitTo(
      agent,
      form,
      '/account/email',
      fields.current_password === 'CURRENT' ? { ...fields, current_password: citizen.password } : fields,
    );
    if (!isPage(result)) throw new Error('expected a page');
    return { citizen, agent, result };
  }

  it('takes effect only once the link sent to the new address is followed, and tells the old address', async () => {
    const newAddress = `nouvelle-${Date.now()}@example.org`;
    const { citizen, agent, result } = await requestChange({ email: newAddress, current_password: 'CURRENT' });
    expect(result.html).toContain(`Un lien de confirmation a été envoyé à ${newAddress}`);
    const [confirmation] = await mailsArrived(world.server, newAddress);
    expect(confirmation!.link).toMatch(new RegExp(`^${world.server.issuer}/account/email/confirm\\?token=`));
    expect(await mailsTo(world.server, citizen.email)).toHaveLength(0);

    // Until the link is followed, nothing has changed.
    expect((await pageAt(agent, '/account/email')).html).toContain(`Adresse actuelle : ${citizen.email}`);
    expect(await logsIn(citizen.email, citizen.password)).toBe(true);
    expect(await logsIn(newAddress, citizen.password)).toBe(false);

    const confirmPage = await pageAt(agent, confirmation!.link!);
    const done = await agent.submit(confirmPage, {}, formIndex(confirmPage, '/account/email/confirm'));
    expect(isPage(done) && done.html).toContain(`Votre adresse électronique est maintenant ${newAddress}`);
    expect(await logsIn(newAddress, citizen.password)).toBe(true);
    expect(await logsIn(citizen.email, citizen.password)).toBe(false);
    expect((await world.server.accounts.findById(citizen.id))!.emailVerified).toBe(true);

    const [notice] = await mailsArrived(world.server, citizen.email);
    expect(notice!.subject).toContain('Votre adresse électronique a changé');
    expect(notice!.raw).toContain(newAddress);
    expect((await pageAt(agent, confirmation!.link!)).status).toBe(400);
  });

  it('refuses a wrong current password and sends no link', async () => {
    const newAddress = `refusee-${Date.now()}@example.org`;
    const { citizen, result } = await requestChange({ email: newAddress, current_password: 'pas le bon mot de passe' });
    expect(result.status).toBe(400);
    expect(result.html).toContain('Le mot de passe actuel est incorrect');
    expect(await mailsTo(world.server, newAddress)).toHaveLength(0);
    expect(await logsIn(citizen.email, citizen.password)).toBe(true);
  });

  it('does not move to an address another account already uses, and does not say so on the page', async () => {
    const other = await anAccount(world.server.accounts);
    const { citizen, result } = await requestChange({ email: other.email.toUpperCase(), current_password: 'CURRENT' });
    expect(result.status).toBe(200);
    expect(result.html).not.toContain('Un compte existe déjà avec cette adresse');
    expect((await world.server.accounts.findById(citizen.id))!.email).toBe(citizen.email);
    expect((await world.server.accounts.findById(other.id))!.email).toBe(other.email);
  });
});
