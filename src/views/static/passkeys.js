// The passkey buttons (progressive enhancement): each form marked data-passkey-register, and each
// data-passkey-login block, fetches its options, runs the WebAuthn ceremony through @simplewebauthn/browser
// (served from our own origin), puts the browser's answer in a `response` field and posts it, so that the
// server answers with a page or a redirect like any other form. A login page keeps one form (the password's):
// the passkey's is made only to post its answer. Without this script the buttons stay hidden and the page
// says passkeys need JavaScript. On a login page whose email input asks for
// autocomplete="username webauthn", passkeys are also offered in the browser's autofill (conditional UI).
/* global document, HTMLFormElement -- a browser script; the ESLint environment of our .js files is Node's */
import './simplewebauthn-browser.js';

const { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, startRegistration } =
  globalThis.SimpleWebAuthnBrowser;

// Set once the button's ceremony starts: an autofill one whose options arrive later must not abort it.
let isModalStarted = false;

async function optionsOf(form) {
  const response = await fetch(form.dataset.optionsUrl, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(`options: ${response.status}`);
  return response.json();
}

function showError(form, text) {
  const error = form.querySelector('[data-passkey-error]');
  if (!error) return;
  error.textContent = text;
  error.hidden = false;
}

/** The form that carries an answer: the element itself, or one made for it from its data-action and data-csrf. */
function formOf(element) {
  if (element instanceof HTMLFormElement) return element;
  const form = document.createElement('form');
  form.method = 'post';
  form.action = element.dataset.action;
  form.hidden = true;
  for (const [name, value] of [
    ['_csrf', element.dataset.csrf],
    ['response', ''],
  ]) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  return form;
}

function post(element, answer) {
  const form = formOf(element);
  form.querySelector('input[name=response]').value = JSON.stringify(answer);
  // A native submit: it does not fire 'submit' again, and the server's redirect is followed as for any form.
  HTMLFormElement.prototype.submit.call(form);
}

/** Runs `ceremony` and posts its answer; a cancelled or failed ceremony leaves the form with a message. */
function enhance(form, ceremony) {
  const isForm = form instanceof HTMLFormElement;
  const button = form.querySelector(isForm ? 'button[type=submit]' : 'button');
  (isForm ? form : button).addEventListener(isForm ? 'submit' : 'click', async (event) => {
    event.preventDefault();
    if (isForm && !form.reportValidity()) return;
    button.disabled = true;
    isModalStarted = true;
    try {
      post(form, await ceremony(await optionsOf(form)));
    } catch (error) {
      // An autofill ceremony aborted by the button's own is not a failure to show.
      if (error?.name !== 'AbortError') showError(form, form.dataset.textCancelled);
      button.disabled = false;
    }
  });
}

async function offerInAutofill(form) {
  if (!document.querySelector('input[autocomplete~="webauthn"]')) return;
  if (!(await browserSupportsWebAuthnAutofill())) return;
  try {
    const optionsJSON = await optionsOf(form);
    if (isModalStarted) return;
    post(form, await startAuthentication({ optionsJSON, useBrowserAutofill: true }));
  } catch {
    // Aborted by the button's ceremony, or the person typed a password instead: nothing to say.
  }
}

function start() {
  const forms = document.querySelectorAll('form[data-passkey-register], [data-passkey-login]');
  if (forms.length === 0) return;
  const isSupported = browserSupportsWebAuthn();
  for (const fallback of document.querySelectorAll('[data-passkey-fallback]')) {
    if (isSupported) fallback.hidden = true;
    else fallback.textContent = forms[0].dataset.textUnsupported;
  }
  if (!isSupported) return;
  for (const form of forms) {
    form.hidden = false;
    if (form.hasAttribute('data-passkey-register')) enhance(form, (optionsJSON) => startRegistration({ optionsJSON }));
    else {
      enhance(form, (optionsJSON) => startAuthentication({ optionsJSON }));
      void offerInAutofill(form);
    }
  }
}

start();
