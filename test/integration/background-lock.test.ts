// The background lock (background/session-lock.ts) between processes of one deployment, here two holders on one
// database: one holds it, the other waits; a holder whose connection is cut (a failover, a network fault, an
// operator's pg_terminate_backend) stops its work and the other takes it over at its next attempt.
import { holdSessionLock } from '../../src/background/session-lock.js';
import { createLogger } from '../../src/log.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';

const KEY = 424_242;
const log = createLogger('silent');
let database: TestDatabase;

beforeAll(async () => {
  // The embedded database serves every connection from one session, in which an advisory lock is re-entrant.
  if (!process.env.DATABASE_URL) throw new Error('the background lock needs a Postgres server: set DATABASE_URL');
  database = await freshDatabase();
}, 60_000);
afterAll(async () => {
  await database.drop();
}, 60_000);

/** How many holders work at once now, and the most there ever were. */
const together = { now: 0, most: 0 };

/** A holder that says whether it does the work now, and how often it was made to stop. */
function aHolder() {
  const state = { working: false, stops: 0 };
  const stop = holdSessionLock({
    connectionString: database.url,
    key: KEY,
    retrySeconds: 1,
    log,
    onAcquired: () => {
      state.working = true;
      together.now += 1;
      together.most = Math.max(together.most, together.now);
      return () => {
        state.working = false;
        state.stops += 1;
        together.now -= 1;
        return Promise.resolve();
      };
    },
  });
  return { state, stop };
}

const holderBackend = async () =>
  (
    await database.pool.query<{ pid: number }>(
      `select l.pid from pg_locks l where l.locktype = 'advisory' and l.objid = $1 and l.granted`,
      [KEY],
    )
  ).rows.map((row) => row.pid);

/** Whether a holder other than the one holding the lock has tried it (and been refused), by its backend's last query. */
const aWaiterHasTried = async () => {
  const holders = await holderBackend();
  const { rows } = await database.pool.query<{ pid: number }>(
    `select pid from pg_stat_activity
     where application_name = 'glc-background' and state = 'idle' and query like '%pg_try_advisory_lock%'`,
  );
  return rows.some((row) => !holders.includes(row.pid));
};

describe('the background lock', () => {
  it('lets one holder work while the other waits, and hands the work over when the holder stops', async () => {
    const first = aHolder();
    expect(await eventually(async () => first.state.working)).toBe(true);
    const second = aHolder();
    // The second one has tried (its first attempt is at once) and works not while the first holds the lock.
    expect(await eventually(aWaiterHasTried)).toBe(true);
    expect(second.state.working).toBe(false);
    expect(first.state.working).toBe(true);
    await first.stop();
    expect(first.state.working).toBe(false);
    expect(await eventually(async () => second.state.working)).toBe(true);
    await second.stop();
    expect(await holderBackend()).toEqual([]);
    expect(together.most).toBe(1);
  });

  it('stops the work of a holder whose connection is cut, and one holder works again', async () => {
    const first = aHolder();
    expect(await eventually(async () => first.state.working)).toBe(true);
    const second = aHolder();
    expect(await eventually(aWaiterHasTried)).toBe(true);
    const [backend] = await holderBackend();
    await database.pool.query('select pg_terminate_backend($1)', [backend]);
    expect(await eventually(async () => first.state.stops === 1)).toBe(true);
    // Whichever tries first takes the lock on a new connection: the cut one may come back, never beside the other.
    const oneWorksAgain = async () => {
      const holders = await holderBackend();
      return holders.length === 1 && holders[0] !== backend && first.state.working !== second.state.working;
    };
    expect(await eventually(oneWorksAgain)).toBe(true);
    expect(together.most).toBe(1);
    await Promise.all([first.stop(), second.stop()]);
    expect(await holderBackend()).toEqual([]);
  });
});
