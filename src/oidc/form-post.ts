// The library answers some requests with a self-submitting form (response_mode=form_post to a site,
// logout without a session, a device code given in the URL). Its page is English and needs a click
// without JavaScript; we read its action and fields and let our own page draw it (interactions/pages.ts).
export interface SelfSubmittingForm {
  action: string;
  fields: Record<string, string>;
}

const MARKER = "document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });";

function decode(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The form of the library's self-submitting page, or undefined for any other body. */
export function readSelfSubmittingForm(body: unknown): SelfSubmittingForm | undefined {
  if (typeof body !== 'string' || !body.includes(MARKER)) return undefined;
  const action = /<form method="post" action="([^"]*)">/.exec(body)?.[1];
  if (action === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const match of body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)) {
    fields[decode(match[1]!)] = decode(match[2]!);
  }
  return { action: decode(action), fields };
}
