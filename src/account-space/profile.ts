// The account's home: the profile form, and the reminder to verify the email. While FranceConnect is linked, its
// certified identity is shown above the form and the names it certifies cannot be changed (franceconnect.ts).
import type { Context } from 'koa';
import type { Account, PostalAddress } from '../accounts/index.js';
import { AppError } from '../errors.js';
import { FIELD_LIMITS, sendPage, textField } from '../http/index.js';
import { DEFAULT_LOCALE, isLocale } from '../locale.js';
import {
  accountPage,
  html,
  profileForm,
  type AccountSection,
  type CertifiedNamesView,
  type PageContext,
  type ProfileValues,
} from '../views/index.js';
import type { SafeHtml } from '../views/index.js';
import { citizenOf, csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';
import { franceConnectPartOf } from './franceconnect.js';

/** Draws one account section in the frame, with the flash notice of the query (?done=…) if any. */
export function sendSection(
  deps: AccountSpaceDeps,
  ctx: Context,
  section: AccountSection,
  body: SafeHtml,
  extra: { notice?: string; errors?: string[]; status?: number } = {},
) {
  const page = pageOf(deps, ctx);
  const { account } = citizenOf(ctx);
  const done = typeof ctx.query.done === 'string' ? ctx.query.done : undefined;
  const notice = extra.notice ?? (done && /^[a-z_.]+$/.test(done) ? page.t(`account.${done}`, { email: account.email }) : undefined);
  sendPage(
    ctx,
    accountPage(
      page,
      section,
      {
        csrfToken: csrfToken(deps, ctx),
        notice,
        errors: extra.errors,
        unverifiedEmail: account.emailVerified ? undefined : account.email,
      },
      body,
    ).toString(),
    extra.status,
  );
}

function valuesOf(account: Account): ProfileValues {
  return {
    givenName: account.givenName ?? '',
    familyName: account.familyName ?? '',
    phoneNumber: account.phoneNumber ?? '',
    street: account.address?.street_address ?? '',
    postalCode: account.address?.postal_code ?? '',
    locality: account.address?.locality ?? '',
    communeSlug: account.communeSlug ?? '',
    locale: account.locale,
  };
}

/** The profile page: the FranceConnect section when linked, then the form (with `values` as typed, on a refusal). */
async function sendProfile(
  deps: AccountSpaceDeps,
  ctx: Context,
  values: ProfileValues,
  extra: { errors?: string[]; status?: number; nameErrors?: CertifiedNamesView['errors'] } = {},
) {
  const page = pageOf(deps, ctx);
  const communes = await deps.registry.listCommunes();
  const franceConnect = await franceConnectPartOf(deps, ctx);
  const form = profileForm(page, csrfToken(deps, ctx), values, communes, { certified: franceConnect.certified, errors: extra.nameErrors });
  sendSection(deps, ctx, 'profile', html`${franceConnect.section ?? ''}${form}`, extra);
}

export function showProfile(deps: AccountSpaceDeps, ctx: Context, extra: { errors?: string[]; status?: number } = {}) {
  return sendProfile(deps, ctx, valuesOf(citizenOf(ctx).account), extra);
}

/** The names posted that differ from those FranceConnect certifies: refused, each on its field. */
function certifiedNameRefusals(
  page: PageContext,
  certified: { givenName?: string; familyName?: string },
  posted: { givenName: string; familyName: string },
): CertifiedNamesView['errors'] | undefined {
  const refusal = page.t('account.franceconnect.name_certified');
  const errors: NonNullable<CertifiedNamesView['errors']> = {};
  // A form without the field (made by hand) changes nothing: the certified name stays.
  if (certified.givenName !== undefined && posted.givenName && posted.givenName !== certified.givenName) errors.given_name = refusal;
  if (certified.familyName !== undefined && posted.familyName && posted.familyName !== certified.familyName) errors.family_name = refusal;
  return Object.keys(errors).length ? errors : undefined;
}

export async function saveProfile(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  const page = pageOf(deps, ctx);
  const communes = await deps.registry.listCommunes();
  const communeSlug = textField(body, 'commune', FIELD_LIMITS.communeSlug);
  if (communeSlug && !communes.some((c) => c.slug === communeSlug)) throw new AppError('commune_not_found', 'invalid', 'unknown commune');
  const phone = textField(body, 'phone_number', FIELD_LIMITS.phoneNumber);
  const givenName = textField(body, 'given_name', FIELD_LIMITS.name);
  const familyName = textField(body, 'family_name', FIELD_LIMITS.name);
  const { certified } = await franceConnectPartOf(deps, ctx);
  const nameErrors = certifiedNameRefusals(page, certified, { givenName, familyName });
  const isPhoneInvalid = Boolean(phone) && !/^\+?[0-9 ().-]{6,40}$/.test(phone);
  if (nameErrors || isPhoneInvalid) {
    const errors = [...new Set(Object.values(nameErrors ?? {}))];
    if (isPhoneInvalid) errors.push(page.t('errors.phone_invalid'));
    const typed = { ...valuesOf(account), givenName, familyName, phoneNumber: phone };
    await sendProfile(deps, ctx, typed, { errors, status: 400, nameErrors });
    return;
  }
  const address: PostalAddress = {};
  const street = textField(body, 'street_address', FIELD_LIMITS.streetAddress);
  const postalCode = textField(body, 'postal_code', FIELD_LIMITS.postalCode);
  const locality = textField(body, 'locality', FIELD_LIMITS.locality);
  if (street) address.street_address = street;
  if (postalCode) address.postal_code = postalCode;
  if (locality) address.locality = locality;
  if (street || postalCode || locality) {
    address.country = 'France';
    address.formatted = [street, [postalCode, locality].filter(Boolean).join(' ')].filter(Boolean).join('\n');
  }
  const locale = textField(body, 'locale');
  await deps.accounts.selfService.updateProfile(
    account.id,
    {
      // While linked, the names are FranceConnect's, so that the profile scope says what it certified.
      givenName: certified.givenName ?? (givenName || undefined),
      familyName: certified.familyName ?? (familyName || undefined),
      phoneNumber: phone || undefined,
      address: Object.keys(address).length ? address : undefined,
      locale: isLocale(locale) ? locale : DEFAULT_LOCALE,
      communeSlug: communeSlug || undefined,
    },
    originOf(ctx),
  );
  ctx.redirect('/account?done=saved');
}

export async function resendVerification(deps: AccountSpaceDeps, ctx: Context) {
  requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  // The one rule of resending (its hourly quota, shared with the help desk): services/account-changes.ts.
  await deps.changes.resendVerification(account.id);
  ctx.redirect('/account?done=resent');
}
