// One labelled input with its hint and error, wired for assistive technology.
import { html, type SafeHtml } from '../html.js';

export interface FieldOptions {
  name: string;
  type: 'email' | 'password' | 'text' | 'tel';
  label: string;
  autocomplete: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  autofocus?: boolean;
}

export function field(options: FieldOptions): SafeHtml {
  const id = `field-${options.name}`;
  const describedBy = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${id}">${options.label}</label>
${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
${options.error ? html`<p class="field-error" id="${id}-error">${options.error}</p>` : ''}
<input id="${id}" name="${options.name}" type="${options.type}" autocomplete="${options.autocomplete}"${
    options.value !== undefined && options.type !== 'password' ? html` value="${options.value}"` : ''
  }${options.required ? html` required` : ''}${options.autofocus ? html` autofocus` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }${options.error ? html` aria-invalid="true"` : ''}>`;
}

export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
