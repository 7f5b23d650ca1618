/** What became of a message a mailbox handed over (`received` while it is being taken). */
export const INBOUND_OUTCOMES = [
  'received', 'created', 'appended', 'own_mail', 'bounce', 'automatic', 'duplicate', 'unparseable', 'too_large', 'rejected',
] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];

export const INBOUND_OUTCOME_LABELS: Record<InboundOutcome, string> = {
  received: 'Being taken',
  created: 'New ticket',
  appended: 'Added to a ticket',
  own_mail: 'Our own mail, ignored',
  bounce: 'Bounce or report',
  automatic: 'Automatic, no ticket',
  duplicate: 'Duplicate',
  unparseable: 'Unreadable',
  too_large: 'Too large',
  rejected: 'Refused',
};

/** Mail that became neither a ticket nor a comment, kept for an operator to look at. */
export const INBOUND_OUTCOMES_NEEDING_ATTENTION = ['unparseable', 'too_large', 'rejected'] as const satisfies readonly InboundOutcome[];

/** The kinds of mail machines write (mail/inbound/robots.ts): reports about mail, then robots. */
export const ROBOT_MAIL_KINDS = ['bounce', 'delay', 'feedback_report', 'out_of_office', 'auto_reply', 'mailing_list', 'no_reply'] as const;
export type RobotMailKind = (typeof ROBOT_MAIL_KINDS)[number];
/** Robots whose mail may open a ticket (reports never do: they are about our mail). */
export const TICKET_OPENING_ROBOT_KINDS = ['out_of_office', 'auto_reply', 'mailing_list', 'no_reply'] as const satisfies readonly RobotMailKind[];
