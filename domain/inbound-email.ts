/** What became of a message a mailbox handed over (`received` while it is being taken). */
export const INBOUND_OUTCOMES = ['received', 'created', 'appended', 'own_mail', 'bounce', 'unparseable', 'too_large', 'rejected'] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];

export const INBOUND_OUTCOME_LABELS: Record<InboundOutcome, string> = {
  received: 'Being taken',
  created: 'New ticket',
  appended: 'Added to a ticket',
  own_mail: 'Our own mail, ignored',
  bounce: 'Bounce',
  unparseable: 'Unreadable',
  too_large: 'Too large',
  rejected: 'Refused',
};

/** Mail that became neither a ticket nor a comment, kept for an operator to look at. */
export const INBOUND_OUTCOMES_NEEDING_ATTENTION = ['unparseable', 'too_large', 'rejected'] as const satisfies readonly InboundOutcome[];
