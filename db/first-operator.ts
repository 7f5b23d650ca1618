import { randomBytes } from 'node:crypto';
import type { Database } from './index';
import { hashPassword, passwordProblem } from '../security/passwords';

export interface FirstOperatorResult {
  created: boolean;
  email: string | null;
  /** Set only when the password was generated: shown once, stored nowhere in clear. */
  generatedPassword: string | null;
}

/** Creates the first admin when there is no operator at all; never touches an existing one. */
export async function ensureFirstOperator(db: Database, settings: { email: string | null; password: string | null; name: string }): Promise<FirstOperatorResult> {
  if ((await db.Operator.count()) > 0) return { created: false, email: null, generatedPassword: null };
  const email = settings.email ?? 'admin@localhost';
  const weak = settings.password === null ? null : passwordProblem(settings.password, [email, settings.name]);
  if (weak) throw new Error(`ADMIN_PASSWORD: ${weak}`);
  const generatedPassword = settings.password === null ? randomBytes(12).toString('base64url') : null;
  await db.Operator.create({
    email,
    name: settings.name,
    role: 'admin',
    passwordHash: await hashPassword(settings.password ?? generatedPassword!),
  });
  return { created: true, email, generatedPassword };
}
