// The console's form controls beyond fields.ts's inputs: a text area, a list to choose from, a checkbox;
// each with its label, hint and error wired for assistive technology as fields.ts does.
import { html, type SafeHtml } from '../html.js';

interface ControlOptions {
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
}

/** id, aria-describedby and aria-invalid of a control, and its hint and error paragraphs. */
function wiring(options: ControlOptions): { id: string; notes: SafeHtml; aria: SafeHtml } {
  const id = `field-${options.name}`;
  const describedBy = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    notes: html`${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}${
      options.error ? html`<p class="field-error" id="${id}-error">${options.error}</p>` : ''
    }`,
    aria: html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? html` aria-invalid="true"` : ''}${
      options.required ? html` required` : ''
    }`,
  };
}

/** A text area; one value per line where the form reads a list (URIs). */
export function textArea(options: ControlOptions & { value?: string | undefined; rows?: number }): SafeHtml {
  const { id, notes, aria } = wiring(options);
  return html`<label for="${id}">${options.label}</label>
${notes}<textarea id="${id}" name="${options.name}" rows="${options.rows ?? 4}"${aria}>${options.value ?? ''}</textarea>`;
}

export function selectField(
  options: ControlOptions & { choices: readonly { value: string; label: string }[]; value?: string | undefined },
): SafeHtml {
  const { id, notes, aria } = wiring(options);
  return html`<label for="${id}">${options.label}</label>
${notes}<select id="${id}" name="${options.name}"${aria}>
${options.choices.map((c) => html`<option value="${c.value}"${c.value === options.value ? html` selected` : ''}>${c.label}</option>`)}
</select>`;
}

export function checkbox(options: ControlOptions & { checked?: boolean | undefined; value?: string }): SafeHtml {
  const { id, notes, aria } = wiring(options);
  return html`<div class="checkbox"><input type="checkbox" id="${id}" name="${options.name}" value="${options.value ?? 'on'}"${
    options.checked ? html` checked` : ''
  }${aria}><label for="${id}">${options.label}</label></div>${notes}`;
}
