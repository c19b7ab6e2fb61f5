// The shapes the operators' API answers with, named: the document lists them under components.schemas and
// every answer refers to them; the handlers' return types come from them too.
import { Type, type TProperties, type TSchema } from 'typebox';
import { ROLES } from '../operators/index.js';
import type { ApiPolicy } from './context.js';

const Nullable = <Schema extends TSchema>(schema: Schema) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Slug = Type.String({ description: "The commune's slug, e.g. vaulx-en-velin" });
export const Offer = Type.Enum(['global', 'restricted'], { description: "global: every service; restricted: the commune's own only" });
export const RoleName = Type.Enum([...ROLES]);

export const ErrorObject = Type.Object(
  {
    error: Type.String({ description: 'A stable code' }),
    error_description: Type.String({ description: 'What is wrong, for the person reading the logs' }),
    field: Type.Optional(Type.String({ description: 'The request field at fault, when there is one' })),
  },
  { examples: [{ error: 'invalid_request', error_description: 'population: a whole number', field: 'population' }] },
);

export const Commune = Type.Object(
  {
    slug: Slug,
    name: Type.String(),
    insee: Nullable(Type.String()),
    population: Nullable(Type.Integer()),
    pilot: Type.Boolean(),
    offer: Offer,
    created_at: DateTime,
    display_name: Nullable(Type.String({ description: "The name the citizen's pages show, e.g. Ville d'Oullins" })),
    color: Nullable(Type.String({ description: 'Its main colour, #RRGGBB, which white text reads on at 4.5:1 or more' })),
    website_url: Nullable(Type.String({ description: 'Its website, where the pages send the citizen back' })),
    privacy_url: Nullable(Type.String({ description: 'Its privacy policy' })),
    help_contact: Nullable(Type.String({ description: 'Whom a citizen contacts for help (one line of text)' })),
    logo_url: Nullable(Type.String({ description: 'Where its logo is served, a path on the issuer (public); null without a logo' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        slug: 'bron',
        name: 'Bron',
        insee: '69029',
        population: 41_000,
        pilot: true,
        offer: 'global',
        created_at: '2026-01-05T09:30:00.000Z',
        display_name: 'Ville de Bron',
        color: '#0B4F9C',
        website_url: 'https://www.ville-bron.fr/',
        privacy_url: 'https://www.ville-bron.fr/donnees-personnelles',
        help_contact: 'Mairie de Bron, accueil : 04 72 36 13 13',
        logo_url: '/communes/bron/logo?v=3f2a9c0d41b7e655',
      },
    ],
  },
);

const Uris = Type.Array(Type.String({ format: 'uri' }));
export const Client = Type.Object(
  {
    client_id: Type.String(),
    commune: Slug,
    first_party: Type.Boolean(),
    enabled: Type.Boolean(),
    operator_tool: Type.Boolean({
      description: 'May ask for this API (resource and scope admin): set by the CLI, or held because the client is an operator itself.',
    }),
    created_at: DateTime,
    client_name: Type.String(),
    redirect_uris: Uris,
    post_logout_redirect_uris: Type.Optional(Uris),
    grant_types: Type.Array(Type.String()),
    response_types: Type.Optional(Type.Array(Type.String())),
    scope: Type.String(),
    subject_type: Type.Enum(['public', 'pairwise']),
    token_endpoint_auth_method: Type.Enum(['client_secret_basic', 'none']),
    application_type: Type.Optional(Type.String()),
    backchannel_logout_uri: Type.Optional(Type.String({ format: 'uri' })),
    backchannel_logout_session_required: Type.Optional(Type.Boolean()),
    default_acr_values: Type.Optional(
      Type.Array(Type.String(), { description: 'The minimum assurance level of a sign-in at this client' }),
    ),
    client_secret: Type.Optional(
      Type.String({ description: 'Only in the answers that create a client or rotate its secret: shown once.' }),
    ),
  },
  {
    examples: [
      {
        client_id: 'wT3k9zQp',
        commune: 'oullins',
        first_party: false,
        operator_tool: false,
        enabled: true,
        created_at: '2026-01-05T09:30:00.000Z',
        client_name: 'oullins.fr',
        redirect_uris: ['https://www.oullins.fr/cb'],
        post_logout_redirect_uris: ['https://www.oullins.fr/'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid profile email',
        subject_type: 'pairwise',
        token_endpoint_auth_method: 'client_secret_basic',
        application_type: 'web',
      },
    ],
  },
);

const OperatorRoles = Type.Array(Type.Object({ role: RoleName, communes: Type.Array(Slug) }));
const operatorProperties = {
  account: Nullable(Type.String({ description: "The account's sub" })),
  email: Nullable(Type.String()),
  client_id: Nullable(Type.String()),
  roles: OperatorRoles,
} satisfies TProperties;
export const Operator = Type.Object(operatorProperties, {
  additionalProperties: false,
  examples: [
    {
      account: '6f1c2b8e-4a7d-4e0f-9a51-2d3c4b5a6e7f',
      email: 'referent@oullins.fr',
      client_id: null,
      roles: [{ role: 'commune-referent', communes: ['oullins'] }],
    },
  ],
});

export const Invitation = Type.Object(
  {
    id: Type.Integer(),
    email: Type.String(),
    role: RoleName,
    communes: Type.Array(Slug),
    expires_at: DateTime,
  },
  { additionalProperties: false },
);

export const InvitedOperator = Type.Object(
  { ...operatorProperties, invitation: Invitation },
  {
    additionalProperties: false,
    description: 'No verified account holds the address: the role waits for its owner to accept the invitation mailed to it.',
    examples: [
      {
        account: null,
        email: 'nouvelle.referente@oullins.fr',
        client_id: null,
        roles: [],
        invitation: {
          id: 12,
          email: 'nouvelle.referente@oullins.fr',
          role: 'commune-referent',
          communes: ['oullins'],
          expires_at: '2026-01-12T09:30:00.000Z',
        },
      },
    ],
  },
);

export const Account = Type.Object(
  {
    sub: Type.String({ format: 'uuid' }),
    email: Type.String(),
    email_verified: Type.Boolean(),
    locked: Type.Boolean(),
    created_at: DateTime,
    last_login_at: Nullable(DateTime),
  },
  {
    additionalProperties: false,
    examples: [
      {
        sub: '6f1c2b8e-4a7d-4e0f-9a51-2d3c4b5a6e7f',
        email: 'jeanne.dupont@example.org',
        email_verified: true,
        locked: false,
        created_at: '2025-11-02T18:04:00.000Z',
        last_login_at: '2026-01-04T08:12:00.000Z',
      },
    ],
  },
);

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: DateTime,
    actor: Type.String({ description: 'account:<sub>, client:<client_id> or cli:<user>' }),
    actor_label: Nullable(Type.String()),
    action: Type.String(),
    commune: Nullable(Slug),
    target: Nullable(Type.String()),
    before: Type.Unknown(),
    after: Type.Unknown(),
    origin: Nullable(Type.String({ description: "The caller's address" })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        id: 41,
        at: '2026-01-05T09:30:00.000Z',
        actor: 'client:admin-tool',
        actor_label: 'Outil de la Métropole',
        action: 'commune.created',
        commune: 'bron',
        target: 'commune:bron',
        before: null,
        after: { slug: 'bron', name: 'Bron' },
        origin: '192.0.2.10',
      },
    ],
  },
);

export const ScopeRequest = Type.Object(
  {
    id: Type.Integer(),
    client_id: Type.String(),
    client_name: Type.String(),
    commune: Slug,
    scope: Type.String(),
    status: Type.Enum(['pending', 'approved', 'refused']),
    requested_by: Type.String(),
    requested_at: DateTime,
    decided_by: Nullable(Type.String()),
    decided_at: Nullable(DateTime),
    reason: Nullable(Type.String()),
  },
  {
    additionalProperties: false,
    examples: [
      {
        id: 7,
        client_id: 'wT3k9zQp',
        client_name: 'État civil',
        commune: 'oullins',
        scope: 'phone',
        status: 'pending',
        requested_by: 'referent@oullins.fr',
        requested_at: '2026-01-05T09:30:00.000Z',
        decided_by: null,
        decided_at: null,
        reason: null,
      },
    ],
  },
);

export const UsageReport = Type.Object(
  {
    month: Type.String({ description: 'YYYY-MM' }),
    communes: Type.Array(
      Type.Object({ commune: Slug, name: Type.String(), logins: Type.Integer(), citizens: Type.Integer(), new_accounts: Type.Integer() }),
    ),
    clients: Type.Array(
      Type.Object({ commune: Slug, client_id: Type.String(), name: Type.String(), logins: Type.Integer(), citizens: Type.Integer() }),
    ),
  },
  {
    examples: [
      {
        month: '2026-02',
        communes: [{ commune: 'oullins', name: 'Oullins', logins: 1840, citizens: 912, new_accounts: 57 }],
        clients: [{ commune: 'oullins', client_id: 'wT3k9zQp', name: 'oullins.fr', logins: 1840, citizens: 912 }],
      },
    ],
  },
);

export const ContributionReport = Type.Object(
  {
    year: Type.Integer(),
    currency: Type.String(),
    total: Type.Number(),
    communes: Type.Array(
      Type.Object({
        commune: Slug,
        name: Type.String(),
        population: Nullable(Type.Integer()),
        bracket: Nullable(Type.String()),
        offer: Offer,
        pilot: Type.Boolean(),
        base_amount: Nullable(Type.Number()),
        discount_percent: Type.Number(),
        amount: Nullable(Type.Number()),
      }),
    ),
  },
  {
    examples: [
      {
        year: 2026,
        currency: 'EUR',
        total: 4500,
        communes: [
          {
            commune: 'oullins',
            name: 'Oullins',
            population: 26_000,
            bracket: '20000-50000',
            offer: 'global',
            pilot: true,
            base_amount: 5000,
            discount_percent: 10,
            amount: 4500,
          },
        ],
      },
    ],
  },
);

/** The named shapes, as the document lists them; an answer that uses one refers to it by name. */
export const COMPONENTS = {
  Error: ErrorObject,
  Commune,
  Client,
  Operator,
  Invitation,
  InvitedOperator,
  Account,
  AuditEntry,
  ScopeRequest,
  UsageReport,
  ContributionReport,
} satisfies Record<string, TSchema>;

/** A page of a list: ?limit= and ?offset= say which. */
export const Page = <Item extends TSchema>(item: Item) =>
  Type.Object(
    {
      items: Type.Array(item),
      total: Type.Integer(),
      limit: Type.Integer(),
      offset: Type.Integer(),
    },
    { additionalProperties: false },
  );

/** ?limit= (1 to the policy's max, its default when not given) and ?offset= (default 0), the query of every list. */
export const pagingQuery = (pageSize: ApiPolicy['pageSize']) =>
  ({
    limit: Type.Integer({
      minimum: 1,
      maximum: pageSize.max,
      default: pageSize.default,
      description: `How many items, 1 to ${pageSize.max}`,
    }),
    offset: Type.Integer({ minimum: 0, default: 0, description: 'How many items to skip' }),
  }) satisfies TProperties;
