// /metrics as an attacker meets it: behind METRICS_TOKEN, and no new series for paths nobody routes.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestServer } from '../support/server.js';
import { useWorld } from '../support/world.js';

const METRICS_TOKEN = randomBytes(32).toString('hex');
const server = useWorld(() => startTestServer({ METRICS_TOKEN }));

const scrape = async () => (await request(server.server).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).text;
const requestSeries = (text: string) => text.split('\n').filter((line) => line.startsWith('glc_http_requests_total{'));

describe('/metrics', () => {
  it('refuses a scrape without the token, or with another one', async () => {
    const anonymous = await request(server.server).get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(anonymous.text).not.toContain('glc_http_requests_total');
    expect(
      (
        await request(server.server)
          .get('/metrics')
          .set('Authorization', `Bearer ${'0'.repeat(64)}`)
      ).status,
    ).toBe(401);
    expect((await request(server.server).get('/metrics').set('Authorization', METRICS_TOKEN)).status).toBe(401);
  });

  it('answers the scraper holding METRICS_TOKEN', async () => {
    expect(await scrape()).toContain('glc_http_requests_total');
  });

  it('adds no series for invented paths or methods: they are all counted as "other"', async () => {
    await request(server.server).get(`/probe-${randomBytes(4).toString('hex')}`);
    await request(server.server).propfind(`/probe-${randomBytes(4).toString('hex')}`);
    const before = requestSeries(await scrape()).length;
    for (let i = 0; i < 3; i += 1) {
      await request(server.server).get(`/${randomBytes(6).toString('hex')}/${randomBytes(6).toString('hex')}`);
    }
    await request(server.server).get(`/interaction/${randomBytes(6).toString('hex')}/x/y`);
    for (const method of ['purge', 'mkcol', 'search'] as const) await request(server.server)[method](`/${randomBytes(6).toString('hex')}`);
    const after = requestSeries(await scrape());
    expect(after).toHaveLength(before);
    expect(after.some((line) => line.includes('method="GET"') && line.includes('route="other"') && line.includes('status="404"'))).toBe(
      true,
    );
    expect(after.some((line) => line.includes('method="other"') && line.includes('route="other"'))).toBe(true);
    expect(after.some((line) => /PURGE|MKCOL|SEARCH|PROPFIND/.test(line))).toBe(false);
  });

  it('labels a request by the template of the route that answered it, never by its ids', async () => {
    await request(server.server).get('/auth/some-interaction-id');
    await request(server.server).get('/communes/nowhere/sector-identifier');
    const series = requestSeries(await scrape());
    expect(series.some((line) => line.includes('route="/auth/:uid"'))).toBe(true);
    expect(series.some((line) => line.includes('route="/communes/:slug/sector-identifier"'))).toBe(true);
    expect(series.some((line) => line.includes('some-interaction-id') || line.includes('nowhere'))).toBe(false);
  });
});
