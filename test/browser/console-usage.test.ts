// The usage page in Chromium: after real sign-ins at the commune's site, an operator sees SVG bar charts
// whose bars (their values and drawn heights) match the figures of the table beside them.
import { anAccount } from '../support/builders.js';
import { anOperatorPerson } from '../support/console.js';
import { signInAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { allMessages, signInToConsole } from './console-support.js';
import { startBrowserWorld, type BrowserWorld } from './support.js';

let world: BrowserWorld;
beforeAll(async () => {
  world = await startBrowserWorld();
}, 60_000);
afterAll(async () => world.stop());

interface Drawn {
  values: number[];
  heights: number[];
  drawnHeights: number[];
  scaleTop: number;
  plotHeight: number;
}

describe('the usage page in a browser', () => {
  it("draws this month's sign-ins as bars that match the table's figures", async () => {
    const text = allMessages('fr');
    const [ana, ben] = [await anAccount(world.server.accounts), await anAccount(world.server.accounts)];
    await signInAt(world.client, new UserAgent(world.server.issuer), ana);
    await signInAt(world.client, new UserAgent(world.server.issuer), ana);
    await signInAt(world.client, new UserAgent(world.server.issuer), ben);
    const referent = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'commune-referent', [
      world.client.commune,
    ]);
    const page = await world.newPage();
    await signInToConsole(page, world.server, referent, '/admin/usage');
    await page.getByRole('heading', { level: 1, name: text['console.usage.title'], exact: true }).waitFor();

    const table = await page
      .locator('#usage-table tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => Number(cell.textContent))));
    expect(table).toHaveLength(12);
    // This month, the table's last row: three sign-ins by two citizens, no account created from the site.
    expect(table[11]).toEqual([3, 2, 0]);

    for (const [column, figure] of ['logins', 'citizens', 'newAccounts'].entries()) {
      const chart = page.getByRole('img', { name: new RegExp(`^${text[`console.usage.figures.${figure}`]} de Villeurbanne par mois`) });
      expect(await chart.count()).toBe(1);
      const drawn: Drawn = await chart.evaluate((svg) => {
        const bars = [...svg.querySelectorAll('rect.bar')];
        return {
          values: bars.map((bar) => Number(bar.getAttribute('data-value'))),
          heights: bars.map((bar) => Number(bar.getAttribute('height'))),
          drawnHeights: bars.map((bar) => bar.getBoundingClientRect().height),
          scaleTop: Number(svg.getAttribute('data-scale-top')),
          plotHeight: Number(svg.getAttribute('data-plot-height')),
        };
      });
      expect(drawn.values).toEqual(table.map((row) => row[column]));
      drawn.heights.forEach((height, i) => expect(height).toBeCloseTo((drawn.values[i]! / drawn.scaleTop) * drawn.plotHeight, 1));
      // As Chromium lays them out: a month with figures has a visible bar, taller for more; an empty one has none.
      const tallest = Math.max(...drawn.values);
      drawn.drawnHeights.forEach((height, i) => {
        if (drawn.values[i] === 0) expect(height).toBe(0);
        else expect(height).toBeGreaterThan(0);
        if (tallest > 0 && drawn.values[i] === tallest) expect(height).toBe(Math.max(...drawn.drawnHeights));
      });
    }
    expect(await page.locator('svg.bar-chart').first().boundingBox()).toMatchObject({ width: expect.any(Number) });
  });
});
