/** What became of a message a mailbox handed over (`received` while it is being taken). */
export const INBOUND_OUTCOMES = ['received', 'created', 'appended', 'own_mail', 'bounce', 'unparseable', 'too_large', 'rejected'] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];
