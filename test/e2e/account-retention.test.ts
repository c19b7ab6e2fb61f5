// Retention (RGPD), on a controlled clock: an account unused for three years is warned by mail twice,
// then deleted; a login resets the count; history and journal are purged after twelve months; two
// workers running at once send each mail once.
import { anAccount } from '../support/builders.js';
import { mailsArrived, pageAt, signedIn } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const DAY_MS = 86_400_000;

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'meyzieu', name: 'Meyzieu' }], clients: { site: {} } }));

/** The job as it runs `days` from now. */
const runIn = (days: number) => world.server.retention.run(new Date(Date.now() + days * DAY_MS));
const dateIn = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
const WARNING = 'Votre compte inutilisé sera bientôt supprimé';

/**
 * The days of the policy, from the configuration: `firstWarning` is the day the first mail goes to an
 * account created today, `secondWarning` the second one's, `deletion` the account's last.
 */
function schedule() {
  const { inactiveAccountDays, firstWarningDaysBefore, secondWarningDaysBefore, historyDays } = world.server.config.retention;
  const firstWarning = inactiveAccountDays - firstWarningDaysBefore + 1;
  const secondWarning = inactiveAccountDays - secondWarningDaysBefore + 1;
  return {
    firstWarning,
    secondWarning,
    deletion: secondWarning + secondWarningDaysBefore,
    historyDays,
    /** After a late first mail, the second comes when the two warnings' gap has passed, the deletion as long after. */
    gap: firstWarningDaysBefore - secondWarningDaysBefore,
    lastWeek: secondWarningDaysBefore,
    firstWarningDaysBefore,
  };
}
const DELETED = 'Votre compte a été supprimé';

async function subjectsTo(email: string): Promise<string[]> {
  return (await mailsTo(world.server, email)).map((mail) => mail.subject);
}

describe('retention of unused accounts', () => {
  it('uses the configured three years, thirty and seven days', () => {
    expect(world.server.config.retention).toMatchObject({
      inactiveAccountDays: 1095,
      firstWarningDaysBefore: 30,
      secondWarningDaysBefore: 7,
      historyDays: 365,
    });
  });

  it('warns thirty days before, again seven days before, then deletes the account', async () => {
    const { firstWarning, secondWarning, deletion, firstWarningDaysBefore } = schedule();
    const citizen = await anAccount(world.server.accounts);
    await runIn(firstWarning - 2);
    expect(await subjectsTo(citizen.email)).toEqual([]);

    await runIn(firstWarning);
    const [first] = await mailsArrived(world.server, citizen.email);
    expect(first!.subject).toContain(WARNING);
    expect(first!.raw).toContain(dateIn(firstWarning + firstWarningDaysBefore));
    expect(first!.raw).toContain(`${world.server.issuer}/account`);
    await runIn(firstWarning + 4);
    expect(await subjectsTo(citizen.email)).toHaveLength(1);

    await runIn(secondWarning);
    expect((await mailsArrived(world.server, citizen.email, 2))[1]!.subject).toContain(WARNING);
    await runIn(deletion - 1);
    expect(await world.server.accounts.findById(citizen.id)).toBeDefined();

    await runIn(deletion);
    expect(await world.server.accounts.findById(citizen.id)).toBeUndefined();
    expect((await mailsArrived(world.server, citizen.email, 3))[2]!.subject).toContain(DELETED);
    expect(await world.server.accounts.authenticate(citizen.email, citizen.password)).toBeUndefined();
  });

  it('keeps the weeks between the mails and the deletion when the job comes late', async () => {
    const { deletion, gap, lastWeek } = schedule();
    const late = deletion + 100;
    const citizen = await anAccount(world.server.accounts);
    await runIn(late);
    expect(await mailsArrived(world.server, citizen.email)).toHaveLength(1);

    await runIn(late + 1);
    expect(await subjectsTo(citizen.email)).toHaveLength(1);
    await runIn(late + gap);
    expect(await mailsArrived(world.server, citizen.email, 2)).toHaveLength(2);
    await runIn(late + gap + lastWeek - 1);
    expect(await world.server.accounts.findById(citizen.id)).toBeDefined();

    await runIn(late + gap + lastWeek);
    expect(await world.server.accounts.findById(citizen.id)).toBeUndefined();
    expect((await subjectsTo(citizen.email)).at(-1)).toContain(DELETED);
  });

  it('starts over when the citizen logs in after a warning', async () => {
    const { firstWarning, deletion, gap, firstWarningDaysBefore } = schedule();
    const citizen = await anAccount(world.server.accounts);
    await world.server.pool.query(`update accounts set created_at = created_at - make_interval(days => $2) where id = $1`, [
      citizen.id,
      firstWarning,
    ]);
    await runIn(0);
    expect(await subjectsTo(citizen.email)).toEqual([expect.stringContaining(WARNING)]);

    await signedIn(world.server.issuer, citizen);
    await runIn(gap);
    await runIn(firstWarningDaysBefore + 10);
    expect(await subjectsTo(citizen.email)).toHaveLength(1);
    expect(await world.server.accounts.findById(citizen.id)).toBeDefined();

    // Unused again for the whole period: a first warning again, not a deletion.
    await runIn(firstWarning);
    expect(await mailsArrived(world.server, citizen.email, 2)).toHaveLength(2);
    await runIn(deletion);
    expect(await world.server.accounts.findById(citizen.id)).toBeDefined();
  });

  it('sends each mail once and deletes once when two workers run at the same time', async () => {
    const { firstWarning, secondWarning, deletion } = schedule();
    const citizen = await anAccount(world.server.accounts);
    await Promise.all([runIn(firstWarning), runIn(firstWarning)]);
    expect(await mailsArrived(world.server, citizen.email)).toHaveLength(1);
    await Promise.all([runIn(secondWarning), runIn(secondWarning)]);
    expect(await mailsArrived(world.server, citizen.email, 2)).toHaveLength(2);
    await Promise.all([runIn(deletion), runIn(deletion)]);
    await mailsArrived(world.server, citizen.email, 3);

    expect(await world.server.accounts.findById(citizen.id)).toBeUndefined();
    const subjects = await subjectsTo(citizen.email);
    expect(subjects.filter((s) => s.includes(WARNING))).toHaveLength(2);
    expect(subjects.filter((s) => s.includes(DELETED))).toHaveLength(1);
  });
});

describe('retention of the security history and the sharing journal', () => {
  it('keeps them twelve months, then purges them', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.site, browser, citizen);
    await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);

    const { historyDays } = schedule();
    await runIn(historyDays - 1);
    expect(await world.server.accounts.securityHistory(citizen.id)).not.toEqual([]);
    expect(await world.server.accounts.sharingJournal(citizen.id)).toHaveLength(2);

    await runIn(historyDays + 1);
    expect(await world.server.accounts.securityHistory(citizen.id)).toEqual([]);
    expect(await world.server.accounts.sharingJournal(citizen.id)).toEqual([]);
    expect(await world.server.accounts.findById(citizen.id)).toBeDefined();
    expect((await pageAt(browser, '/account/history')).html).toContain('Aucun événement.');
    expect((await pageAt(browser, '/account/journal')).html).toContain('Aucune information n’a encore été partagée.');
  });
});
