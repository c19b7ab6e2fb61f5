import request from 'supertest';
import { aRelayedDatabase } from '../support/database-relay.js';
import { startInstance } from '../support/server.js';
import { useWorld } from '../support/world.js';

const database = useWorld(aRelayedDatabase);
const running = useWorld(() => startInstance(database.viaRelay));

describe('readiness follows the database', () => {
  it('answers 503 while the database is unreachable and 200 again once it is back, without a restart', async () => {
    expect((await request(running.server).get('/readyz')).status).toBe(200);

    await database.relay.cut();
    const down = await request(running.server).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable', reason: 'database' });
    expect((await request(running.server).get('/healthz')).status).toBe(200);

    await database.relay.open();
    expect((await request(running.server).get('/readyz')).status).toBe(200);
  });
});
