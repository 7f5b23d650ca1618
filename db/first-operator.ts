import { randomBytes } from 'node:crypto';
import type { Database } from './index';
import { hashPassword } from '../security/passwords';
import { MIN_PASSWORD_LENGTH } from '../domain/operator';

export interface FirstOperatorResult {
  created: boolean;
  email: string | null;
  /** Set only when the password was generated: shown once, stored nowhere in clear. */
  generatedPassword: string | null;
}

/** Creates the first admin when there is no operator at all; never touches an existing one. */
export async function ensureFirstOperator(db: Database, settings: { email: string | null; password: string | null; name: string }): Promise<FirstOperatorResult> {
  if ((await db.Operator.count()) > 0) return { created: false, email: null, generatedPassword: null };
  if (settings.password !== null && settings.password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  const email = settings.email ?? 'admin@localhost';
  const generatedPassword = settings.password === null ? randomBytes(12).toString('base64url') : null;
  await db.Operator.create({
    email,
    name: settings.name,
    role: 'admin',
    passwordHash: await hashPassword(settings.password ?? generatedPassword!),
  });
  return { created: true, email, generatedPassword };
}
