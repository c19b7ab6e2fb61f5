// The sign-in and registration forms of the interaction pages, read with the pages' one form reader.
import { FIELD_LIMITS, secretField, textField, type FormBody } from '../http/index.js';

export interface LoginForm {
  email: string;
  password: string;
}

export function readLoginForm(body: FormBody): LoginForm {
  return { email: textField(body, 'email', FIELD_LIMITS.email), password: secretField(body, 'password') };
}

export interface RegisterForm {
  email: string;
  password: string;
  givenName: string;
  familyName: string;
}

export function readRegisterForm(body: FormBody): RegisterForm {
  return {
    email: textField(body, 'email', FIELD_LIMITS.newEmail),
    password: secretField(body, 'password'),
    givenName: textField(body, 'given_name', FIELD_LIMITS.name),
    familyName: textField(body, 'family_name', FIELD_LIMITS.name),
  };
}
