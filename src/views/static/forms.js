// Progressive enhancement of the forms: a "show password" button beside each password input. Without this
// script the inputs work as they are; the button's words come from the page (data-show-password on <body>).
/* global document -- a browser script; the ESLint environment of our .js files is Node's */
const { showPassword, hidePassword } = document.body.dataset;

for (const input of document.querySelectorAll('input[type=password]')) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary show-password';
  button.textContent = showPassword;
  button.setAttribute('aria-controls', input.id);
  button.setAttribute('aria-pressed', 'false');
  button.addEventListener('click', () => {
    const isShown = input.type === 'text';
    input.type = isShown ? 'password' : 'text';
    button.textContent = isShown ? showPassword : hidePassword;
    button.setAttribute('aria-pressed', String(!isShown));
  });
  input.after(button);
}
