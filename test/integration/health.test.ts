import request from 'supertest';
import { startTestServer } from '../support/server.js';
import { useWorld } from '../support/world.js';

const server = useWorld(() => startTestServer());

describe('health endpoints', () => {
  it('answers /healthz while the process runs', async () => {
    const response = await request(server.server).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database answers', async () => {
    const response = await request(server.server).get('/readyz');
    expect(response.status).toBe(200);
  });

  it('serves Prometheus metrics', async () => {
    const response = await request(server.server).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.text).toContain('glc_http_requests_total');
  });

  it('advertises every endpoint in discovery, built from ISSUER', async () => {
    const response = await request(server.server).get('/.well-known/openid-configuration').set('Host', 'evil.example');
    expect(response.status).toBe(200);
    expect(response.body.issuer).toBe(server.issuer);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'jwks_uri',
      'end_session_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'device_authorization_endpoint',
    ]) {
      expect(response.body[key]).toMatch(new RegExp(`^${server.issuer}/`));
    }
  });
});

describe('security headers', () => {
  it('are on the provider’s own answers too', async () => {
    const response = await request(server.server).get('/.well-known/openid-configuration');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('put a CSP with frame-ancestors none and no caching on the pages a person sees', async () => {
    const response = await request(server.server).get('/nothing-here').set('Accept', 'text/html');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

describe('paths nobody serves', () => {
  it('shows a readable French page to a person', async () => {
    const response = await request(server.server).get('/nothing-here').set('Accept', 'text/html');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('<html lang="fr">');
    expect(response.text).toContain('Cette page n’existe pas.');
  });

  it('answers an error object to a program', async () => {
    const response = await request(server.server).get('/nothing-here').set('Accept', 'application/json');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'not_found', error_description: 'no such resource' });
  });

  it('shows the page in English when asked', async () => {
    const response = await request(server.server).get('/nothing-here?ui_locales=en').set('Accept', 'text/html');
    expect(response.text).toContain('<html lang="en">');
    expect(response.text).toContain('This page does not exist.');
  });
});
