// The console's commune pages: the communes an operator manages, one commune's details and identity, the
// Métropole's forms adding and changing communes, and the identity and logo forms of whoever manages it.
// Every read and change goes through the operators' API's routes (deps.invoke): their permission, their
// validation and their domain rules (the colour's contrast, the logo's type read from its bytes) are the
// only ones; this module turns forms into the API's bodies and its refusals into errors on the fields.
// The logo arrives as multipart/form-data (a file input works without JavaScript): read with limits by
// busboy, its CSRF token checked before its bytes are used, then handed to the API in base64 as it expects.
import type Router from '@koa/router';
import busboy from 'busboy';
import type { Context } from 'koa';
import { authorize } from '../admin/permission.js';
import { AppError, invalid, STATUS_BY_KIND } from '../errors.js';
import { sendPage, textField, type FormBody } from '../http/index.js';
import { isMetropoleAdmin } from '../operators/index.js';
import { LOGO_MAX_BYTES } from '../registry/index.js';
import {
  consoleCommuneEditPage,
  consoleCommuneIdentityPage,
  consoleCommuneLogoRemovePage,
  consoleCommunePage,
  consoleCommunesPage,
  detailsValuesOf,
  identityValuesOf,
  type CommuneDetailsValues,
  type CommuneIdentityValues,
  type ConsoleCommune,
} from '../views/index.js';
import { frameOf, operatorOf, pageOf, requireCsrf, type ConsoleDeps } from './context.js';
import { faultOf, isChecked, type ConsoleMiddleware, type FormFault } from './forms.js';

/** The notices a redirect may ask for, by a fixed key (never text from the query). */
const NOTICES = ['created', 'updated', 'identity_saved', 'logo_set', 'logo_removed'] as const;

/** Conflicts the domain names by code only: the field they are about, so that the form shows them there. */
const FIELD_OF_CODE: Record<string, string> = { commune_exists: 'slug', commune_insee_taken: 'insee' };

/** Room for the multipart framing and the CSRF field around the logo: a body larger than this is not read. */
const UPLOAD_OVERHEAD_BYTES = 16 * 1024;

/** The commune of the path (Koa's router leaves its parameters untyped on a plain Context). */
const slugOf = (ctx: Context) => (ctx.params as { slug: string }).slug;

function noticeOf(deps: ConsoleDeps, ctx: Context): string | undefined {
  const done = ctx.query.done;
  return NOTICES.find((key) => key === done) && pageOf(deps, ctx).t(`console.communes.done.${String(done)}`);
}

/**
 * A refusal the operator can fix on the form, with the status the API gives it. Being refused the commune
 * (403) or not finding it (404) is no fault of a field: the readable error page says so.
 */
function refusalOf(deps: ConsoleDeps, ctx: Context, error: unknown) {
  if (error instanceof AppError && (error.kind === 'forbidden' || error.kind === 'not_found')) throw error;
  const fault: FormFault = faultOf(pageOf(deps, ctx), error);
  const code = (error as AppError).code;
  const named = fault.field ?? FIELD_OF_CODE[code];
  return { fault: { ...fault, field: named }, status: STATUS_BY_KIND[(error as AppError).kind] };
}

async function communeOf(deps: ConsoleDeps, ctx: Context): Promise<ConsoleCommune> {
  return (await deps.invoke('getCommune', ctx, { params: { slug: slugOf(ctx) } })).body as ConsoleCommune;
}

/** Every commune the operator manages, page after page of the API's list. */
async function communesOf(deps: ConsoleDeps, ctx: Context): Promise<ConsoleCommune[]> {
  const limit = deps.config.operatorsApi.pageSize.max;
  const communes: ConsoleCommune[] = [];
  for (;;) {
    const page = (await deps.invoke('listCommunes', ctx, { query: { limit: String(limit), offset: String(communes.length) } })).body as {
      items: ConsoleCommune[];
      total: number;
    };
    communes.push(...page.items);
    if (page.items.length === 0 || communes.length >= page.total) return communes;
  }
}

const detailsValuesFrom = (body: FormBody): CommuneDetailsValues => ({
  slug: textField(body, 'slug'),
  name: textField(body, 'name'),
  insee: textField(body, 'insee'),
  population: textField(body, 'population'),
  pilot: isChecked(body, 'pilot'),
  offer: textField(body, 'offer'),
});

/**
 * The API's body for the details typed: an empty INSEE code, population or offer is not given (the commune
 * keeps its own, a new one gets the API's default); a population written as digits is the number the API
 * wants, anything else goes as typed so that the API's validation names the field.
 */
function detailsBody(values: CommuneDetailsValues, withSlug: boolean): Record<string, unknown> {
  const population = /^\d{1,15}$/.test(values.population) ? Number(values.population) : values.population;
  return {
    ...(withSlug ? { slug: values.slug } : {}),
    name: values.name,
    ...(values.insee ? { insee: values.insee } : {}),
    ...(values.population ? { population } : {}),
    pilot: values.pilot,
    ...(values.offer ? { offer: values.offer } : {}),
  };
}

/** The identity typed, as the API takes it: an empty field clears it. */
const identityValuesFrom = (body: FormBody): CommuneIdentityValues => ({
  display_name: textField(body, 'display_name'),
  color: textField(body, 'color'),
  website_url: textField(body, 'website_url'),
  privacy_url: textField(body, 'privacy_url'),
  help_contact: textField(body, 'help_contact'),
});

async function showList(deps: ConsoleDeps, ctx: Context, form?: { values: CommuneDetailsValues; fault: FormFault; status: number }) {
  const communes = await communesOf(deps, ctx);
  const mayCreate = isMetropoleAdmin(operatorOf(ctx).principal);
  const blank: CommuneDetailsValues = { slug: '', name: '', insee: '', population: '', pilot: false, offer: 'global' };
  sendPage(
    ctx,
    consoleCommunesPage(
      pageOf(deps, ctx),
      frameOf(deps, ctx, 'communes', { notice: noticeOf(deps, ctx), errors: form && [form.fault.message] }),
      {
        communes,
        create: mayCreate ? { values: form?.values ?? blank, fault: form?.fault } : undefined,
      },
    ).toString(),
    form?.status,
  );
}

async function createCommune(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const values = detailsValuesFrom(requireCsrf(deps, ctx));
  try {
    await deps.invoke('createCommune', ctx, { body: detailsBody(values, true) });
  } catch (error) {
    await showList(deps, ctx, { values, ...refusalOf(deps, ctx, error) });
    return;
  }
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${encodeURIComponent(values.slug ?? '')}?done=created`);
}

async function showCommune(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const commune = await communeOf(deps, ctx);
  sendPage(
    ctx,
    consoleCommunePage(pageOf(deps, ctx), frameOf(deps, ctx, 'communes', { notice: noticeOf(deps, ctx) }), {
      commune,
      mayEdit: isMetropoleAdmin(operatorOf(ctx).principal),
    }).toString(),
  );
}

/** The details' form: for the Métropole only, as updateCommune's permission says (others get its 403 page). */
async function showEdit(deps: ConsoleDeps, ctx: Context, form?: { values: CommuneDetailsValues; fault: FormFault; status: number }) {
  const commune = await communeOf(deps, ctx);
  authorize('metropole-admin', operatorOf(ctx).principal, commune.slug);
  sendPage(
    ctx,
    consoleCommuneEditPage(pageOf(deps, ctx), frameOf(deps, ctx, 'communes', { errors: form && [form.fault.message] }), {
      commune,
      values: form?.values ?? detailsValuesOf(commune),
      fault: form?.fault,
    }).toString(),
    form?.status,
  );
}

async function editCommune(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const values = detailsValuesFrom(requireCsrf(deps, ctx));
  try {
    await deps.invoke('updateCommune', ctx, { params: { slug: slugOf(ctx) }, body: detailsBody(values, false) });
  } catch (error) {
    await showEdit(deps, ctx, { values, ...refusalOf(deps, ctx, error) });
    return;
  }
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${encodeURIComponent(slugOf(ctx))}?done=updated`);
}

interface IdentityForm {
  values?: CommuneIdentityValues;
  fault?: FormFault;
  logoFault?: FormFault;
  status: number;
}

async function showIdentity(deps: ConsoleDeps, ctx: Context, form?: IdentityForm): Promise<void> {
  const commune = await communeOf(deps, ctx);
  const fault = form?.fault ?? form?.logoFault;
  sendPage(
    ctx,
    consoleCommuneIdentityPage(
      pageOf(deps, ctx),
      frameOf(deps, ctx, 'communes', { notice: noticeOf(deps, ctx), errors: fault && [fault.message] }),
      {
        commune,
        values: form?.values ?? identityValuesOf(commune),
        fault: form?.fault,
        logoFault: form?.logoFault,
        logoMaxBytes: LOGO_MAX_BYTES,
      },
    ).toString(),
    form?.status,
  );
}

async function setIdentity(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const values = identityValuesFrom(requireCsrf(deps, ctx));
  try {
    await deps.invoke('updateCommuneIdentity', ctx, { params: { slug: slugOf(ctx) }, body: { ...values } });
  } catch (error) {
    await showIdentity(deps, ctx, { values, ...refusalOf(deps, ctx, error) });
    return;
  }
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${encodeURIComponent(slugOf(ctx))}/identity?done=identity_saved`);
}

interface Upload {
  fields: FormBody;
  /** The first "logo" file, cut at the limit (truncated then). */
  logo?: { bytes: Buffer; truncated: boolean };
}

/**
 * Reads a multipart body into memory within limits: one file of at most `maxFileBytes` (more is dropped and
 * marked truncated), a few short fields. Nothing is done with the file here: the caller checks CSRF first.
 */
function readUpload(ctx: Context, maxFileBytes: number): Promise<Upload> {
  const malformed = () => invalid('invalid_request', 'the logo form is sent as multipart/form-data');
  if (Number(ctx.get('content-length')) > maxFileBytes + UPLOAD_OVERHEAD_BYTES) {
    return Promise.reject(invalid('commune_logo_too_large', `logo: at most ${maxFileBytes} bytes`, { field: 'logo' }));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: ctx.req.headers, limits: { files: 1, fileSize: maxFileBytes, fields: 8, fieldSize: 2048, parts: 9 } });
  } catch {
    return Promise.reject(malformed());
  }
  return new Promise((resolve, reject) => {
    // No prototype: a field named __proto__ is only a field.
    const fields = Object.create(null) as FormBody;
    let logo: Upload['logo'];
    parser.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      if (name !== 'logo' || logo) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      const current = { bytes: Buffer.alloc(0), truncated: false };
      logo = current;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        current.truncated = true;
      });
      stream.on('end', () => {
        current.bytes = Buffer.concat(chunks);
      });
    });
    parser.on('error', () => reject(malformed()));
    parser.on('close', () => resolve({ fields, logo }));
    ctx.req.pipe(parser);
  });
}

async function uploadLogo(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const upload = await readUpload(ctx, LOGO_MAX_BYTES);
  ctx.request.body = upload.fields;
  requireCsrf(deps, ctx);
  try {
    if (!upload.logo || upload.logo.bytes.length === 0) {
      throw invalid('commune_logo_type', 'logo: a PNG, JPEG or WebP image', { field: 'logo' });
    }
    if (upload.logo.truncated) {
      throw invalid('commune_logo_too_large', `logo: at most ${LOGO_MAX_BYTES} bytes`, { field: 'logo' });
    }
    await deps.invoke('setCommuneLogo', ctx, {
      params: { slug: slugOf(ctx) },
      body: { image_base64: upload.logo.bytes.toString('base64') },
    });
  } catch (error) {
    // Whatever the API names (image_base64, logo), the form has one field for the file.
    const { fault, status } = refusalOf(deps, ctx, error);
    await showIdentity(deps, ctx, { logoFault: { ...fault, field: 'logo' }, status });
    return;
  }
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${encodeURIComponent(slugOf(ctx))}/identity?done=logo_set`);
}

async function confirmRemoveLogo(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const commune = await communeOf(deps, ctx);
  sendPage(ctx, consoleCommuneLogoRemovePage(pageOf(deps, ctx), frameOf(deps, ctx, 'communes'), { commune }).toString());
}

async function removeLogo(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireCsrf(deps, ctx);
  await deps.invoke('removeCommuneLogo', ctx, { params: { slug: slugOf(ctx) } });
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${encodeURIComponent(slugOf(ctx))}/identity?done=logo_removed`);
}

export function registerCommunesPages(router: Router, deps: ConsoleDeps, { signedIn, forms }: ConsoleMiddleware): void {
  router.get('/communes', signedIn, (ctx) => showList(deps, ctx));
  router.post('/communes', forms, signedIn, (ctx) => createCommune(deps, ctx));
  router.get('/communes/:slug', signedIn, (ctx) => showCommune(deps, ctx));
  router.get('/communes/:slug/edit', signedIn, (ctx) => showEdit(deps, ctx));
  router.post('/communes/:slug/edit', forms, signedIn, (ctx) => editCommune(deps, ctx));
  router.get('/communes/:slug/identity', signedIn, (ctx) => showIdentity(deps, ctx));
  router.post('/communes/:slug/identity', forms, signedIn, (ctx) => setIdentity(deps, ctx));
  // multipart/form-data: read by readUpload, not by the urlencoded form parser.
  router.post('/communes/:slug/logo', signedIn, (ctx) => uploadLogo(deps, ctx));
  router.get('/communes/:slug/logo/remove', signedIn, (ctx) => confirmRemoveLogo(deps, ctx));
  router.post('/communes/:slug/logo/remove', forms, signedIn, (ctx) => removeLogo(deps, ctx));
}
