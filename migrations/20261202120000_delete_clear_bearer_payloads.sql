-- Up Migration
-- From now on a credential (token, code, session or interaction id, initial access token) rests only as
-- a keyed digest, HMAC under a key derived from SECRET_KEY, with the copies its payload carries sealed
-- (src/oidc/stored-secrets.ts). SQL does not have that key, so rows written before cannot be rewritten:
-- they hold their values in clear and could no longer be found by what their holders present. They are
-- removed at once rather than left readable until they expire. Citizens sign in once more; sites redo one
-- authorization (grants, hence consent, are kept); clients registered dynamically keep working but their
-- registration access tokens are gone (an operator manages them); initial access tokens are issued again.
delete from oidc_payloads where model not in ('Grant', 'ReplayDetection');
delete from registration_tokens;
delete from session_activity;
