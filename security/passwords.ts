import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { MIN_PASSWORD_LENGTH } from '../domain/operator';

/** Argon2id with the library's defaults (OWASP-recommended parameters). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** zxcvbn's score 3: about 10^8 guesses or more, "safely unguessable" against an online attack slowed by rate limits. */
const MIN_STRENGTH = 3;

let estimator: ZxcvbnFactory | null = null;
/** The dictionaries (common passwords, names, words) load on the first password set, not at start. */
const strength = () => (estimator ??= new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
}));

/**
 * Why a new password is refused, or null: too short, or one of the passwords attackers
 * try first (common passwords, keyboard walks, words with a year, the operator's own name
 * or address), as zxcvbn estimates them.
 */
export function passwordProblem(password: string, personal: Array<string | null | undefined> = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  // An address or a name counts whole and by its parts: "olivia.martin" is in both.
  const words = personal.filter((p): p is string => !!p).flatMap((p) => {
    const lower = p.toLowerCase();
    return [lower, lower.split('@')[0]!, ...lower.split(/[@.\s+_-]/)];
  }).filter((w) => w.length >= 3);
  const result = strength().check(password.slice(0, 200), [...new Set(words)]);
  if (result.score >= MIN_STRENGTH) return null;
  const why = result.feedback.warning ?? 'It is easy to guess.';
  const suggestion = result.feedback.suggestions[0] ?? 'Use a few unrelated words, or a password manager.';
  return `This password is too easy to guess. ${why} ${suggestion}`;
}
