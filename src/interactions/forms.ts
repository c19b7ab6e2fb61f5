// Form input of the interaction pages, read defensively: strings only, trimmed, bounded.
export type FormBody = Record<string, unknown>;

export function textField(body: FormBody, name: string, maxLength = 500): string {
  const value = body[name];
  if (typeof value !== 'string') return '';
  return value.slice(0, maxLength);
}

/** Passwords are neither trimmed nor cut: an oversized one must be refused as such, not silently shortened. */
export function passwordField(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

export interface LoginForm {
  email: string;
  password: string;
}

export function readLoginForm(body: FormBody): LoginForm {
  return { email: textField(body, 'email', 254).trim(), password: passwordField(body, 'password') };
}

export interface RegisterForm {
  email: string;
  password: string;
  givenName: string;
  familyName: string;
}

export function readRegisterForm(body: FormBody): RegisterForm {
  return {
    // Not cut at 254: a longer address must be refused as such, not shortened into another one.
    email: textField(body, 'email', 1000).trim(),
    password: passwordField(body, 'password'),
    givenName: textField(body, 'given_name', 200).trim(),
    familyName: textField(body, 'family_name', 200).trim(),
  };
}
