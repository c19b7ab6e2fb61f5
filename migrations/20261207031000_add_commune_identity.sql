-- Up Migration
-- Each commune's identity on the citizen's pages (issue 10): a display name, a main colour, its website,
-- privacy policy and help contact, and its logo. The logo's bytes live here (a few KB per commune, 59
-- communes: no object store to run) with the type read from its content and its SHA-256 (ETag, URL version);
-- these checks are the last line behind src/registry/commune-identity.ts, which is stricter.
alter table communes
  add column display_name text
    check (display_name is null or (char_length(display_name) between 1 and 120 and display_name !~ '[[:cntrl:]]')),
  add column main_color text check (main_color is null or main_color ~ '^#[0-9A-F]{6}$'),
  add column website_url text
    check (website_url is null or (char_length(website_url) <= 2048 and website_url ~ '^https?://[^[:space:][:cntrl:]]+$')),
  add column privacy_url text
    check (privacy_url is null or (char_length(privacy_url) <= 2048 and privacy_url ~ '^https?://[^[:space:][:cntrl:]]+$')),
  add column help_contact text
    check (help_contact is null or (char_length(help_contact) between 1 and 300 and help_contact !~ '[[:cntrl:]]')),
  add column logo bytea check (logo is null or octet_length(logo) between 1 and 204800),
  add column logo_content_type text check (logo_content_type in ('image/png', 'image/jpeg', 'image/webp')),
  add column logo_sha256 text check (logo_sha256 ~ '^[0-9a-f]{64}$'),
  add constraint communes_logo_whole
    check ((logo is null) = (logo_content_type is null) and (logo is null) = (logo_sha256 is null));
