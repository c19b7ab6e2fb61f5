// The OpenAPI 3.1 description of the operators' API, served at /admin/api/v1/openapi.json. Tests check
// every response they receive against it.
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra });

const errors = {
  400: json(ref('Error'), 'Invalid request: the error names the field'),
  401: json(ref('Error'), 'No token, or an unknown, expired or foreign-audience token'),
  403: json(ref('Error'), 'The operator may not do this'),
};
const notFound = { 404: json(ref('Error'), 'Not found') };
const conflict = { 409: json(ref('Error'), 'Conflict with an existing resource') };
const page = (item: string) => ({
  type: 'object', required: ['items', 'total', 'limit', 'offset'], additionalProperties: false,
  properties: { items: { type: 'array', items: ref(item) }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
});
const paging = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
];
const slug = { name: 'slug', in: 'path', required: true, schema: { type: 'string' } };
const clientId = { name: 'clientId', in: 'path', required: true, schema: { type: 'string' } };
const sub = { name: 'sub', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });

const schemas = {
  Error: {
    type: 'object', required: ['error', 'error_description'],
    properties: { error: { type: 'string' }, error_description: { type: 'string' }, field: { type: 'string', description: 'The request field at fault, when there is one' } },
  },
  Commune: {
    type: 'object', additionalProperties: false, required: ['slug', 'name', 'insee', 'population', 'pilot', 'offer', 'created_at'],
    properties: {
      slug: { type: 'string' }, name: { type: 'string' }, insee: nullable('string'), population: nullable('integer'),
      pilot: { type: 'boolean' }, offer: { enum: ['global', 'restricted'] }, created_at: { type: 'string', format: 'date-time' },
    },
  },
  CommuneInput: {
    type: 'object', required: ['slug', 'name'],
    properties: {
      slug: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }, name: { type: 'string' }, insee: { type: 'string' },
      population: { type: 'integer', minimum: 0 }, pilot: { type: 'boolean' }, offer: { enum: ['global', 'restricted'] },
    },
  },
  CommunePatch: {
    type: 'object',
    properties: { name: { type: 'string' }, insee: { type: 'string' }, population: { type: 'integer' }, pilot: { type: 'boolean' }, offer: { enum: ['global', 'restricted'] } },
  },
  Client: {
    type: 'object', required: ['client_id', 'commune', 'first_party', 'operator_tool', 'enabled', 'created_at', 'client_name', 'redirect_uris', 'grant_types', 'scope', 'subject_type', 'token_endpoint_auth_method'],
    properties: {
      client_id: { type: 'string' }, commune: { type: 'string' }, first_party: { type: 'boolean' }, enabled: { type: 'boolean' },
      operator_tool: { type: 'boolean', description: 'May ask for this API (resource and scope admin): set by the CLI, or held because the client is an operator itself.' },
      created_at: { type: 'string', format: 'date-time' }, client_name: { type: 'string' },
      redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
      post_logout_redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
      grant_types: { type: 'array', items: { type: 'string' } }, response_types: { type: 'array', items: { type: 'string' } },
      scope: { type: 'string' }, subject_type: { enum: ['public', 'pairwise'] },
      token_endpoint_auth_method: { enum: ['client_secret_basic', 'none'] }, application_type: { type: 'string' },
      backchannel_logout_uri: { type: 'string', format: 'uri' }, backchannel_logout_session_required: { type: 'boolean' },
      client_secret: { type: 'string', description: 'Only in the answers that create a client or rotate its secret: shown once.' },
    },
  },
  ClientInput: {
    type: 'object', required: ['client_name'],
    properties: {
      client_name: { type: 'string' }, redirect_uris: { type: 'array', items: { type: 'string' } },
      post_logout_redirect_uris: { type: 'array', items: { type: 'string' } }, grant_types: { type: 'array', items: { type: 'string' } },
      token_endpoint_auth_method: { enum: ['client_secret_basic', 'none'] }, scope: { type: 'string' },
      subject_type: { enum: ['public', 'pairwise'] }, backchannel_logout_uri: { type: 'string' }, first_party: { type: 'boolean' },
    },
  },
  ClientPatch: {
    type: 'object',
    properties: {
      client_name: { type: 'string' }, redirect_uris: { type: 'array', items: { type: 'string' } },
      post_logout_redirect_uris: { type: 'array', items: { type: 'string' } }, grant_types: { type: 'array', items: { type: 'string' } },
      scope: { type: 'string' }, backchannel_logout_uri: nullable('string'),
    },
  },
  Operator: {
    type: 'object', additionalProperties: false, required: ['account', 'email', 'client_id', 'roles'],
    properties: {
      account: nullable('string'), email: nullable('string'), client_id: nullable('string'),
      roles: { type: 'array', items: { type: 'object', required: ['role', 'communes'], properties: { role: { enum: ['metropole-admin', 'commune-referent', 'syndicate-operator'] }, communes: { type: 'array', items: { type: 'string' } } } } },
    },
  },
  InvitedOperator: {
    type: 'object', additionalProperties: false, required: ['account', 'email', 'client_id', 'roles', 'invitation'],
    description: 'No verified account holds the address: the role waits for its owner to accept the invitation mailed to it.',
    properties: {
      account: nullable('string'), email: { type: 'string' }, client_id: { type: 'null' },
      roles: { type: 'array', items: { type: 'object', required: ['role', 'communes'], properties: { role: { enum: ['metropole-admin', 'commune-referent', 'syndicate-operator'] }, communes: { type: 'array', items: { type: 'string' } } } } },
      invitation: {
        type: 'object', additionalProperties: false, required: ['id', 'email', 'role', 'communes', 'expires_at'],
        properties: {
          id: { type: 'integer' }, email: { type: 'string' }, role: { enum: ['metropole-admin', 'commune-referent', 'syndicate-operator'] },
          communes: { type: 'array', items: { type: 'string' } }, expires_at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
  OperatorChange: {
    type: 'object', required: ['role'],
    properties: { email: { type: 'string' }, client_id: { type: 'string' }, role: { enum: ['metropole-admin', 'commune-referent', 'syndicate-operator'] }, communes: { type: 'array', items: { type: 'string' } } },
  },
  Account: {
    type: 'object', additionalProperties: false, required: ['sub', 'email', 'email_verified', 'locked', 'created_at', 'last_login_at'],
    properties: {
      sub: { type: 'string' }, email: { type: 'string' }, email_verified: { type: 'boolean' }, locked: { type: 'boolean' },
      created_at: { type: 'string', format: 'date-time' }, last_login_at: nullable('string', { format: 'date-time' }),
    },
  },
  AuditEntry: {
    type: 'object', additionalProperties: false, required: ['id', 'at', 'actor', 'actor_label', 'action', 'commune', 'target', 'before', 'after', 'origin'],
    properties: {
      id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { type: 'string' }, actor_label: nullable('string'),
      action: { type: 'string' }, commune: nullable('string'), target: nullable('string'), before: {}, after: {}, origin: nullable('string'),
    },
  },
  ScopeRequest: {
    type: 'object', additionalProperties: false,
    required: ['id', 'client_id', 'client_name', 'commune', 'scope', 'status', 'requested_by', 'requested_at', 'decided_by', 'decided_at', 'reason'],
    properties: {
      id: { type: 'integer' }, client_id: { type: 'string' }, client_name: { type: 'string' }, commune: { type: 'string' },
      scope: { type: 'string' }, status: { enum: ['pending', 'approved', 'refused'] }, requested_by: { type: 'string' },
      requested_at: { type: 'string', format: 'date-time' }, decided_by: nullable('string'),
      decided_at: nullable('string', { format: 'date-time' }), reason: nullable('string'),
    },
  },
  UsageReport: {
    type: 'object', required: ['month', 'communes', 'clients'],
    properties: {
      month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
      communes: { type: 'array', items: { type: 'object', required: ['commune', 'name', 'logins', 'citizens', 'new_accounts'], properties: { commune: { type: 'string' }, name: { type: 'string' }, logins: { type: 'integer' }, citizens: { type: 'integer' }, new_accounts: { type: 'integer' } } } },
      clients: { type: 'array', items: { type: 'object', required: ['commune', 'client_id', 'name', 'logins', 'citizens'], properties: { commune: { type: 'string' }, client_id: { type: 'string' }, name: { type: 'string' }, logins: { type: 'integer' }, citizens: { type: 'integer' } } } },
    },
  },
  ContributionReport: {
    type: 'object', required: ['year', 'currency', 'total', 'communes'],
    properties: {
      year: { type: 'integer' }, currency: { type: 'string' }, total: { type: 'number' },
      communes: {
        type: 'array', items: {
          type: 'object', required: ['commune', 'name', 'population', 'bracket', 'offer', 'pilot', 'base_amount', 'discount_percent', 'amount'],
          properties: {
            commune: { type: 'string' }, name: { type: 'string' }, population: nullable('integer'), bracket: nullable('string'),
            offer: { enum: ['global', 'restricted'] }, pilot: { type: 'boolean' }, base_amount: nullable('number'),
            discount_percent: { type: 'number' }, amount: nullable('number'),
          },
        },
      },
    },
  },
};

export function openApiDocument(issuer: string, audience: string, scope: string) {
  const scopes = { [scope]: 'Manage the client registry within the operator\'s roles' };
  return {
    openapi: '3.1.0',
    info: {
      title: 'GrandLyonConnect — operators\' API',
      version: '1.0.0',
      description: `Per-commune client registry, operators, audit and usage figures. Access tokens come from this provider: ask for resource=${audience} and scope=${scope}, with client credentials (a client made an operator with \`glc operator grant --client\`) or with an operator's sign-in.`,
    },
    servers: [{ url: `${issuer}/admin/api/v1` }],
    security: [{ oauth2: [scope] }],
    components: {
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: `Tokens must be requested with the resource indicator ${audience} (RFC 8707).`,
          flows: {
            clientCredentials: { tokenUrl: `${issuer}/token`, scopes },
            authorizationCode: { authorizationUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, scopes },
          },
        },
      },
      schemas,
    },
    paths: {
      '/communes': {
        get: { operationId: 'listCommunes', parameters: paging, responses: { 200: json(page('Commune'), 'The communes the operator manages'), ...errors } },
        post: { operationId: 'createCommune', requestBody: body(ref('CommuneInput')), responses: { 201: json(ref('Commune'), 'Created'), ...errors, ...conflict } },
      },
      '/communes/{slug}': {
        parameters: [slug],
        get: { operationId: 'getCommune', responses: { 200: json(ref('Commune'), 'The commune'), ...errors, ...notFound } },
        patch: { operationId: 'updateCommune', requestBody: body(ref('CommunePatch')), responses: { 200: json(ref('Commune'), 'Updated'), ...errors, ...notFound, ...conflict } },
      },
      '/communes/{slug}/clients': {
        parameters: [slug],
        get: { operationId: 'listClients', parameters: paging, responses: { 200: json(page('Client'), 'The commune\'s clients'), ...errors, ...notFound } },
        post: { operationId: 'createClient', requestBody: body(ref('ClientInput')), responses: { 201: json(ref('Client'), 'Created; client_secret is shown once'), ...errors, ...notFound } },
      },
      '/communes/{slug}/clients/{clientId}': {
        parameters: [slug, clientId],
        get: { operationId: 'getClient', responses: { 200: json(ref('Client'), 'The client'), ...errors, ...notFound } },
        patch: { operationId: 'updateClient', requestBody: body(ref('ClientPatch')), responses: { 200: json(ref('Client'), 'Updated'), ...errors, ...notFound } },
        delete: { operationId: 'deleteClient', responses: { 204: { description: 'Deleted' }, ...errors, ...notFound } },
      },
      '/communes/{slug}/clients/{clientId}/disable': {
        parameters: [slug, clientId],
        post: { operationId: 'disableClient', responses: { 200: json(ref('Client'), 'Disabled: the provider no longer knows it'), ...errors, ...notFound } },
      },
      '/communes/{slug}/clients/{clientId}/enable': {
        parameters: [slug, clientId],
        post: { operationId: 'enableClient', responses: { 200: json(ref('Client'), 'Enabled'), ...errors, ...notFound } },
      },
      '/communes/{slug}/clients/{clientId}/secret': {
        parameters: [slug, clientId],
        post: { operationId: 'rotateClientSecret', responses: { 200: json(ref('Client'), 'The new secret, shown once; the old one stops working'), ...errors, ...notFound } },
      },
      '/operators': {
        get: { operationId: 'listOperators', parameters: paging, responses: { 200: json(page('Operator'), 'Every operator (metropole-admin only)'), ...errors } },
      },
      '/operators/grant': {
        post: {
          operationId: 'grantOperator', requestBody: body(ref('OperatorChange')),
          responses: {
            200: json(ref('Operator'), 'The operator\'s roles (a verified account, or a client)'),
            202: json(ref('InvitedOperator'), 'Invitation mailed: the role goes to the address\'s verified account once its owner accepts'),
            ...errors, ...notFound,
          },
        },
      },
      '/operators/revoke': {
        post: { operationId: 'revokeOperator', requestBody: body(ref('OperatorChange')), responses: { 200: json(ref('Operator'), 'The operator\'s roles'), ...errors, ...notFound } },
      },
      '/accounts': {
        get: {
          operationId: 'findAccounts',
          parameters: [{ name: 'email', in: 'query', required: true, schema: { type: 'string' } }, ...paging],
          responses: { 200: json(page('Account'), 'The account with this email, if any (metropole-admin only)'), ...errors },
        },
      },
      '/accounts/{sub}/lock': { parameters: [sub], post: { operationId: 'lockAccount', responses: { 200: json(ref('Account'), 'Locked: no sign-in, sessions revoked'), ...errors, ...notFound } } },
      '/accounts/{sub}/unlock': { parameters: [sub], post: { operationId: 'unlockAccount', responses: { 200: json(ref('Account'), 'Unlocked'), ...errors, ...notFound } } },
      '/audit': {
        get: {
          operationId: 'readAudit',
          parameters: [{ name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } }, ...paging],
          responses: { 200: json(page('AuditEntry'), 'Audit entries of the communes the operator manages'), ...errors },
        },
      },
      '/scope-requests': {
        get: {
          operationId: 'listScopeRequests',
          parameters: [{ name: 'status', in: 'query', schema: { enum: ['pending', 'approved', 'refused', 'all'], default: 'pending' } }, ...paging],
          responses: { 200: json(page('ScopeRequest'), 'Requests for sensitive scopes of the communes the operator manages'), ...errors },
        },
      },
      '/scope-requests/{id}/approve': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        post: { operationId: 'approveScopeRequest', responses: { 200: json(ref('ScopeRequest'), 'Approved: the scope joins the client\'s'), ...errors, ...notFound, ...conflict } },
      },
      '/scope-requests/{id}/refuse': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        post: {
          operationId: 'refuseScopeRequest',
          requestBody: body({ type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } }),
          responses: { 200: json(ref('ScopeRequest'), 'Refused, with the reason'), ...errors, ...notFound, ...conflict },
        },
      },
      '/reports/usage': {
        get: {
          operationId: 'usageReport', parameters: [{ name: 'month', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } }],
          responses: { 200: json(ref('UsageReport'), 'Sign-ins, distinct citizens and new accounts of the month'), ...errors },
        },
      },
      '/reports/contributions': {
        get: {
          operationId: 'contributionsReport', parameters: [{ name: 'year', in: 'query', required: true, schema: { type: 'integer' } }],
          responses: { 200: json(ref('ContributionReport'), 'Yearly contributions after the convention\'s grid'), ...errors },
        },
      },
    },
  };
}
