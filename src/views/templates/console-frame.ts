// The frame of every page of the operators' console: who is signed in, the sections this operator may open
// (computed from the same permissions as the operators' API), the sign-out, notices and the error summary.
import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { csrfInput } from './fields.js';

export const CONSOLE_SECTIONS = [
  'home',
  'communes',
  'scope-requests',
  'operators',
  'audit',
  'usage',
  'contributions',
  'help-desk',
] as const;
export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number];

export const CONSOLE_SECTION_PATHS: Record<ConsoleSection, string> = {
  home: '/admin',
  communes: '/admin/communes',
  'scope-requests': '/admin/scope-requests',
  operators: '/admin/operators',
  audit: '/admin/audit',
  usage: '/admin/usage',
  contributions: '/admin/contributions',
  'help-desk': '/admin/help-desk',
};

export interface ConsoleFrame {
  csrfToken: string;
  /** The signed-in operator, as the audit names them (their address). */
  operatorLabel: string;
  /** The sections this operator may open, in the navigation's order. */
  sections: readonly ConsoleSection[];
  current: ConsoleSection;
  notice?: string | undefined;
  errors?: string[] | undefined;
}

export function consolePage(page: PageContext, frame: ConsoleFrame, title: string, body: SafeHtml): SafeHtml {
  const { t } = page;
  return layout(
    { ...page, isConsole: true },
    title,
    html`<div class="console-bar">
<nav aria-label="${t('console.nav_label')}" class="console-nav"><ul>
${frame.sections.map(
  (s) =>
    html`<li><a href="${CONSOLE_SECTION_PATHS[s]}"${s === frame.current ? html` aria-current="page"` : ''}>${t(`console.nav.${s}`)}</a></li>`,
)}
</ul></nav>
<div class="console-who"><p>${t('console.signed_in_as', { who: frame.operatorLabel })}</p>
<form method="post" action="/admin/logout">${csrfInput(frame.csrfToken)}<button type="submit" class="secondary">${t('console.logout')}</button></form></div>
</div>
${frame.notice ? html`<p class="panel" role="status">${frame.notice}</p>` : ''}
${errorSummary(page, frame.errors ?? [])}
${body}`,
  );
}

/** A page of the console seen signed out (sign-in refused, signed out, no operator role): the shell alone. */
export function consoleMessagePage(page: PageContext, title: string, text: string, link?: { href: string; label: string }): SafeHtml {
  return layout(
    { ...page, isConsole: true },
    title,
    html`<p role="status">${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`,
  );
}
