export const OPERATOR_ROLES = ['admin', 'agent'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const MIN_PASSWORD_LENGTH = 10;

export const ROLE_LABELS: Record<OperatorRole, string> = { admin: 'Admin', agent: 'Agent' };
export const ROLE_DESCRIPTIONS: Record<OperatorRole, string> = {
  admin: 'handles tickets, and manages operators and mailboxes',
  agent: 'handles tickets and customers',
};

/** Longest signature an operator can put under their replies. */
export const MAX_SIGNATURE_LENGTH = 2000;
