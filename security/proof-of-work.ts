import { createHmac } from 'node:crypto';
import { createChallenge, randomInt, verifySolution } from 'altcha-lib';
import type { Challenge, Solution } from 'altcha-lib/types';
import { deriveKey } from 'altcha-lib/algorithms/sha';

/** How long a visitor has to send the form after their browser solved its challenge. */
export const CHALLENGE_LIFETIME_MS = 10 * 60_000;

/**
 * A self-hosted proof of work for the widget form (ALTCHA, via altcha-lib): the browser
 * hashes until it finds the counter the server chose at random below `maxCounter`, which
 * costs a person a moment and a sender of thousands of forms as many moments. The
 * challenge is signed with a key derived from SECRET_KEY, so no state is kept until a
 * solution is spent.
 */
export function proofOfWork(secretKey: string, maxCounter: number) {
  const hmacSignatureSecret = createHmac('sha256', secretKey).update('widget-proof-of-work').digest('base64url');
  return {
    challenge: (): Promise<Challenge> => createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter: randomInt(Math.floor(maxCounter / 2), maxCounter),
      deriveKey,
      hmacSignatureSecret,
      expiresAt: new Date(Date.now() + CHALLENGE_LIFETIME_MS),
    }),
    /** The challenge's signature when the solution solves a challenge of ours in time, else null. */
    async verify(payload: { challenge: unknown; solution: unknown }): Promise<string | null> {
      try {
        const challenge = payload.challenge as Challenge;
        const result = await verifySolution({ challenge, solution: payload.solution as Solution, deriveKey, hmacSignatureSecret });
        return result.verified && !result.expired && challenge.signature ? challenge.signature : null;
      } catch {
        return null;
      }
    },
  };
}

export type ProofOfWork = ReturnType<typeof proofOfWork>;
