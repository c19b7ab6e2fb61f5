// The one schema of the files under config/: each file by name, each value with its bounds. A file, a key or
// a value it does not describe stops the start (config-files.ts says where); the types come from it too.
import { Type, type Static, type TProperties, type TSchema } from 'typebox';

/** Leaves say what they accept in `description`: the error of a bad value reads "<path> must be <description>". */
const PositiveInteger = Type.Integer({ minimum: 1, description: 'a positive integer' });
const NonNegativeInteger = Type.Integer({ minimum: 0, description: 'zero or a positive integer' });
const Text = Type.String({ minLength: 1, description: 'a non-empty text' });
const Flag = Type.Boolean({ description: 'true or false' });

/** A misspelt key is refused rather than silently left to a default. */
const Section = <Properties extends TProperties>(properties: Properties) => Type.Object(properties, { additionalProperties: false });

/** A rule across fields; its message names the field it blames, relative to the section. */
const Checked = <Schema extends TSchema>(schema: Schema, check: (value: Static<Schema>) => boolean, message: string) =>
  Type.Refine(schema, check, () => message);

/** `free` attempts per window, then each one waits firstDelaySeconds × 2^k, at most maxDelaySeconds (http/rate-limit.ts). */
const ThrottlePolicySchema = Checked(
  Section({ free: PositiveInteger, windowSeconds: PositiveInteger, firstDelaySeconds: PositiveInteger, maxDelaySeconds: PositiveInteger }),
  (policy) => policy.maxDelaySeconds >= policy.firstDelaySeconds,
  'maxDelaySeconds must not be below firstDelaySeconds',
);

/** The edge buffers what every route may read: its limit is above the forms' (http) and the operators' API's. */
export const TunablesSchema = Checked(
  Section({
    ttlSeconds: Section({
      accessToken: PositiveInteger,
      authorizationCode: PositiveInteger,
      clientCredentials: PositiveInteger,
      deviceCode: PositiveInteger,
      idToken: PositiveInteger,
      refreshToken: PositiveInteger,
      interaction: PositiveInteger,
      session: PositiveInteger,
      grant: PositiveInteger,
      /** The operators' API: its tokens are opaque and short-lived (an operator tool asks again). */
      operatorApiAccessToken: PositiveInteger,
    }),
    /** maxQueued: password hashes waiting per process beyond the running ones (one per core), then 503. */
    argon2: Section({
      memoryKiB: PositiveInteger,
      timeCost: PositiveInteger,
      parallelism: PositiveInteger,
      maxQueued: NonNegativeInteger,
      busyRetryAfterSeconds: PositiveInteger,
    }),
    passwordPolicy: Checked(
      Section({ minLength: PositiveInteger, maxLength: PositiveInteger, maxBytes: PositiveInteger }),
      (policy) => policy.minLength <= policy.maxLength,
      'maxLength must not be below minLength',
    ),
    keys: Section({
      activationDelaySeconds: NonNegativeInteger,
      retiredKeyGraceSeconds: NonNegativeInteger,
      reloadIntervalSeconds: PositiveInteger,
    }),
    cleanup: Section({ intervalSeconds: PositiveInteger, batchSize: PositiveInteger }),
    /**
     * The jobs that write (sweeping, mail delivery and purge, retention) run in one process per deployment: the
     * holder of a Postgres advisory lock. The others try to take it every lockRetrySeconds, and the holder checks
     * its connection as often, so a holder that died is replaced within about that time.
     */
    background: Section({ lockRetrySeconds: PositiveInteger }),
    /**
     * WORKERS above 1: a worker that dies is forked again after restartFirstDelaySeconds, twice as long after each
     * quick death up to restartMaxDelaySeconds (a crash loop must not spin a core). On SIGTERM each worker gets
     * drainTimeoutSeconds to finish its requests in flight before it is killed.
     */
    cluster: Checked(
      Section({ restartFirstDelaySeconds: PositiveInteger, restartMaxDelaySeconds: PositiveInteger, drainTimeoutSeconds: PositiveInteger }),
      (cluster) => cluster.restartMaxDelaySeconds >= cluster.restartFirstDelaySeconds,
      'restartMaxDelaySeconds must not be below restartFirstDelaySeconds',
    ),
    rateLimits: Section({
      passwordChecks: Section({
        perAccountAndAddress: ThrottlePolicySchema,
        perAccount: ThrottlePolicySchema,
        perAddress: ThrottlePolicySchema,
      }),
      registrationsPerAddress: ThrottlePolicySchema,
      resetRequestsPerAddress: ThrottlePolicySchema,
      /** A second factor's codes (TOTP, recovery codes) and passkey assertions, per (account, address) and per account. */
      secondFactorChecks: Section({ perAccountAndAddress: ThrottlePolicySchema, perAccount: ThrottlePolicySchema }),
      /** The code handed over at a town hall's counter, keyed like passwords. */
      counterCodeChecks: Section({
        perAccountAndAddress: ThrottlePolicySchema,
        perAccount: ThrottlePolicySchema,
        perAddress: ThrottlePolicySchema,
      }),
    }),
    /** codeTtlSeconds: how long the code an agent hands over at the counter stays usable. */
    counterRecovery: Section({ codeTtlSeconds: PositiveInteger }),
    /** challengeTtlSeconds: how long a WebAuthn challenge waits for its answer (the browser's own timeout is a minute or two). */
    passkeys: Section({ challengeTtlSeconds: PositiveInteger }),
    clientCacheTtlSeconds: NonNegativeInteger,
    /** On the embedded database no NOTIFY tells of a change glc made beside the server: clients are cached briefly. */
    embeddedClientCacheTtlSeconds: NonNegativeInteger,
    /**
     * outageRetryAfterSeconds: the Retry-After of a 503 while the database cannot be reached (a restart or a
     * failover takes seconds; sooner would only add load to a database coming back). readinessTimeoutMs: how
     * long /readyz waits for the database before answering 503.
     */
    database: Section({ outageRetryAfterSeconds: PositiveInteger, readinessTimeoutMs: PositiveInteger }),
    /**
     * formBodyLimitBytes: the pages' forms (a longer one is refused with 413). edgeBodyLimitBytes: what the edge
     * buffers to look for control characters, above every route's own limit so that each answers its own 413.
     * keepAliveTimeoutSeconds: longer than the idle timeout of the load balancer in front (often 60 s), so that
     * it, not we, closes an idle connection and no request is sent on a socket being closed.
     */
    http: Checked(
      Section({ formBodyLimitBytes: PositiveInteger, edgeBodyLimitBytes: PositiveInteger, keepAliveTimeoutSeconds: PositiveInteger }),
      (http) => http.edgeBodyLimitBytes >= http.formBodyLimitBytes,
      'edgeBodyLimitBytes must not be below formBodyLimitBytes',
    ),
    selfService: Section({
      verifyEmailTtlSeconds: PositiveInteger,
      resetPasswordTtlSeconds: PositiveInteger,
      changeEmailTtlSeconds: PositiveInteger,
      verificationMailsPerHour: PositiveInteger,
      passwordResetMailsPerHour: PositiveInteger,
      emailChangeMailsPerHour: PositiveInteger,
    }),
    /**
     * Sent and given-up mails leave the outbox (links, addresses) keepDays later; the purge runs every
     * purgeIntervalSeconds, purgeBatchSize rows a statement. Every pollIntervalSeconds an instance claims up to
     * batchSize due mails for claimSeconds (then another may retry them); a failed one is tried again after
     * firstRetrySeconds, twice as long each time up to maxRetrySeconds, and given up after maxAttempts.
     */
    mail: Checked(
      Section({
        keepDays: PositiveInteger,
        purgeIntervalSeconds: PositiveInteger,
        purgeBatchSize: PositiveInteger,
        pollIntervalSeconds: PositiveInteger,
        batchSize: PositiveInteger,
        claimSeconds: PositiveInteger,
        maxAttempts: PositiveInteger,
        firstRetrySeconds: PositiveInteger,
        maxRetrySeconds: PositiveInteger,
      }),
      (mail) => mail.maxRetrySeconds >= mail.firstRetrySeconds,
      'maxRetrySeconds must not be below firstRetrySeconds',
    ),
    /**
     * glc account import: the citizens it tells are mailed at most mailsPerMinute a minute (the outbox holds
     * each mail until its turn); batchSize lines are written a statement.
     */
    import: Section({ mailsPerMinute: PositiveInteger, batchSize: PositiveInteger }),
    retention: Section({
      inactiveAccountDays: PositiveInteger,
      firstWarningDaysBefore: PositiveInteger,
      secondWarningDaysBefore: PositiveInteger,
      historyDays: PositiveInteger,
      intervalSeconds: PositiveInteger,
      batchSize: PositiveInteger,
    }),
    /**
     * invitationTtlSeconds: how long the link of an operator invitation (a role granted to an address not yet
     * verified) stays valid. communeTokenTtlSeconds: the life of an initial access token for dynamic
     * registration (glc commune token --ttl), within its bounds. auditReadLimit: the most audit entries one
     * read returns when the reader names no limit (glc audit).
     */
    operators: Section({
      invitationTtlSeconds: PositiveInteger,
      communeTokenTtlSeconds: Checked(
        Section({ default: PositiveInteger, min: PositiveInteger, max: PositiveInteger }),
        (ttl) => ttl.min <= ttl.default && ttl.default <= ttl.max,
        'default must lie between min and max',
      ),
      auditReadLimit: PositiveInteger,
    }),
    /**
     * The operators' API: the pages of its lists (?limit= up to max, default when not given), the largest JSON
     * body it reads (a longer one is refused with 413), and the audit it reads when no ?since= is given (the
     * last defaultDays), maxEntries at most. secretRotationOverlapSeconds: how long a client's previous secret
     * keeps working after a rotation when the operator does not say (API and glc); at most 90 days, the
     * registry's bound (registry/secret-rotation.ts).
     */
    operatorsApi: Section({
      pageSize: Checked(
        Section({ default: PositiveInteger, max: PositiveInteger }),
        (size) => size.default <= size.max,
        'default must not be above max',
      ),
      bodyLimitBytes: PositiveInteger,
      audit: Section({ defaultDays: PositiveInteger, maxEntries: PositiveInteger }),
      secretRotationOverlapSeconds: Type.Integer({ minimum: 0, maximum: 7_776_000, description: 'from 0 to 7776000 (90 days)' }),
    }),
    /**
     * The operators' console (/admin): a session ends after idleTimeoutSeconds without a request, and after
     * maxLifetimeSeconds whatever its use (a console left open on a town hall's computer).
     */
    console: Checked(
      Section({ idleTimeoutSeconds: PositiveInteger, maxLifetimeSeconds: PositiveInteger }),
      (lifetimes) => lifetimes.idleTimeoutSeconds <= lifetimes.maxLifetimeSeconds,
      'idleTimeoutSeconds must not be above maxLifetimeSeconds',
    ),
    /**
     * The citizen's space: the latest security events and sharing-journal entries its pages show, and how many
     * of each the export (RGPD art. 15 and 20) holds at most: never fewer than a page shows.
     */
    accountHistory: Checked(
      Section({ securityEventsShown: PositiveInteger, sharingEntriesShown: PositiveInteger, exportedEntries: PositiveInteger }),
      (history) => history.exportedEntries >= Math.max(history.securityEventsShown, history.sharingEntriesShown),
      'exportedEntries must not be below securityEventsShown or sharingEntriesShown',
    ),
  }),
  (tunables) => tunables.http.edgeBodyLimitBytes >= tunables.operatorsApi.bodyLimitBytes,
  'http.edgeBodyLimitBytes must not be below operatorsApi.bodyLimitBytes',
);

const BracketSchema = Section({
  upToInhabitants: Type.Union([PositiveInteger, Type.Null()], {
    description: 'a number of inhabitants, or null for the last, open bracket',
  }),
  label: Text,
  /** Whole euros a year, per offer. */
  global: NonNegativeInteger,
  restricted: NonNegativeInteger,
});

/** The edges of the brackets, in order; only the last one is open. */
const isIncreasingAndOpenEnded = (brackets: Static<typeof BracketSchema>[]) => {
  const edges = brackets.map((bracket) => bracket.upToInhabitants ?? Infinity);
  return edges.every((edge, i) => i === 0 || edge > (edges[i - 1] ?? -Infinity)) && edges.at(-1) === Infinity;
};

/** The convention's grid: population bracket × offer, with the discounts of given years. */
export const ContributionGridSchema = Checked(
  Section({
    source: Type.Optional(Text),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'an ISO 4217 currency code such as EUR' }),
    bracketEdges: Type.Optional(Text),
    brackets: Type.Array(BracketSchema, { minItems: 1, description: 'a list of at least one bracket' }),
    discounts: Type.Array(
      Section({
        year: Type.Integer({ minimum: 2000, maximum: 2999, description: 'a year such as 2019' }),
        pilotOnly: Flag,
        percent: Type.Number({ minimum: 0, maximum: 100, description: 'a percentage between 0 and 100' }),
        reason: Text,
      }),
    ),
  }),
  (grid) => isIncreasingAndOpenEnded(grid.brackets),
  'brackets must be in increasing order and end with an open one',
);

/** One password a line, as typed; blank lines are allowed and ignored. */
export const PasswordListSchema = Type.Array(
  Type.String({ pattern: '^(\\S(.*\\S)?)?$', description: 'a password without spaces around it' }),
);

/** Every file under config/, by name: the one schema of the configuration read from files. */
/** A page of the footer, in Markdown (rendered without raw HTML): what an operator edits. */
const PageTextSchema = Type.String({ minLength: 1, maxLength: 50000, description: 'a Markdown text' });

export const ConfigFilesSchema = Section({
  'default.json': TunablesSchema,
  'contributions.json': ContributionGridSchema,
  'common-passwords-fr.txt': PasswordListSchema,
  'page-accessibility.fr.md': PageTextSchema,
  'page-accessibility.en.md': PageTextSchema,
  'page-legal.fr.md': PageTextSchema,
  'page-legal.en.md': PageTextSchema,
  'page-privacy.fr.md': PageTextSchema,
  'page-privacy.en.md': PageTextSchema,
  'page-help.fr.md': PageTextSchema,
  'page-help.en.md': PageTextSchema,
});

export type Tunables = Static<typeof TunablesSchema>;
export type ThrottlePolicy = Static<typeof ThrottlePolicySchema>;
export type ContributionGrid = Static<typeof ContributionGridSchema>;
export type Bracket = ContributionGrid['brackets'][number];
export type Discount = ContributionGrid['discounts'][number];
export type ConfigFiles = Static<typeof ConfigFilesSchema>;
