// The account's home: the profile form, and the reminder to verify the email.
import type { Context } from 'koa';
import type { Account, PostalAddress } from '../accounts/index.js';
import { AppError } from '../errors.js';
import { FIELD_LIMITS, sendPage, textField } from '../http/index.js';
import { DEFAULT_LOCALE, isLocale } from '../locale.js';
import { accountPage, profileForm, type AccountSection, type ProfileValues } from '../views/index.js';
import type { SafeHtml } from '../views/index.js';
import { citizenOf, csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';

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

export async function showProfile(deps: AccountSpaceDeps, ctx: Context) {
  const page = pageOf(deps, ctx);
  const communes = await deps.registry.listCommunes();
  sendSection(deps, ctx, 'profile', profileForm(page, csrfToken(deps, ctx), valuesOf(citizenOf(ctx).account), communes));
}

export async function saveProfile(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  const communes = await deps.registry.listCommunes();
  const communeSlug = textField(body, 'commune', FIELD_LIMITS.communeSlug);
  if (communeSlug && !communes.some((c) => c.slug === communeSlug)) throw new AppError('commune_not_found', 'invalid', 'unknown commune');
  const phone = textField(body, 'phone_number', FIELD_LIMITS.phoneNumber);
  if (phone && !/^\+?[0-9 ().-]{6,40}$/.test(phone)) {
    const page = pageOf(deps, ctx);
    sendSection(deps, ctx, 'profile', profileForm(page, csrfToken(deps, ctx), { ...valuesOf(account), phoneNumber: phone }, communes), {
      errors: [page.t('errors.phone_invalid')],
      status: 400,
    });
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
      givenName: textField(body, 'given_name', FIELD_LIMITS.name) || undefined,
      familyName: textField(body, 'family_name', FIELD_LIMITS.name) || undefined,
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
