// A cookie-keeping HTTP user agent for end-to-end tests: it follows the provider's redirects like a
// browser would and stops when the flow leaves the provider (towards a relying party).
export interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
}

export interface Page {
  url: string;
  status: number;
  html: string;
}

export function formsOf(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = match[1]!;
    const action = /action="([^"]*)"/i.exec(attributes)?.[1] ?? '';
    const method = (/method="([^"]*)"/i.exec(attributes)?.[1] ?? 'get').toLowerCase();
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[1]!)?.[1];
      if (name) fields[name] = decode(/value="([^"]*)"/i.exec(input[1]!)?.[1] ?? '');
    }
    forms.push({ action: decode(action), method, fields });
  }
  return forms;
}

function decode(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

export class UserAgent {
  readonly cookies = new Map<string, string>();
  acceptLanguage = 'fr-FR,fr;q=0.9';
  /** Sent with every request: e.g. X-Forwarded-For, to stand for a citizen at another address behind TRUST_PROXY. */
  readonly headers: Record<string, string> = {};

  constructor(readonly issuer: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request, no redirect following. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const target = new URL(url, this.issuer).toString();
    const headers: Record<string, string> = {
      cookie: this.cookieHeader(),
      'accept-language': this.acceptLanguage,
      accept: 'text/html',
      ...this.headers,
      ...init.headers,
    };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    if (target.startsWith(this.issuer)) this.remember(response);
    return response;
  }

  /**
   * Follows redirects while they stay on the provider. Answers the page it lands on, or the URL outside
   * the provider it is sent to (a relying party's redirect_uri).
   */
  async navigate(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page | { leftTo: string }> {
    let response = await this.request(url, init);
    let current = new URL(url, this.issuer).toString();
    for (let hops = 0; hops < 20 && response.status >= 300 && response.status < 400; hops++) {
      const location = new URL(response.headers.get('location')!, current).toString();
      if (!location.startsWith(this.issuer)) return { leftTo: location };
      current = location;
      response = await this.request(location);
    }
    return { url: current, status: response.status, html: await response.text() };
  }

  async submit(page: Page, fields: Record<string, string>, formIndex = 0): Promise<Page | { leftTo: string }> {
    const { action, form } = this.filled(page, fields, formIndex);
    return this.navigate(action, { method: 'POST', form });
  }

  /** Posts the form once and answers the very response, redirect or not (its status, its headers). */
  async submitOnce(page: Page, fields: Record<string, string>, formIndex = 0): Promise<Response> {
    const { action, form } = this.filled(page, fields, formIndex);
    return this.request(action, { method: 'POST', form });
  }

  private filled(page: Page, fields: Record<string, string>, formIndex: number): { action: string; form: Record<string, string> } {
    const form = formsOf(page.html)[formIndex];
    if (!form) throw new Error(`no form #${formIndex} on ${page.url}`);
    return { action: new URL(form.action || page.url, page.url).toString(), form: { ...form.fields, ...fields } };
  }
}

export function isPage(result: Page | { leftTo: string }): result is Page {
  return 'html' in result;
}
