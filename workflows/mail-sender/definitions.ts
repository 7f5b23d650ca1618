import type { NotificationKind, NotificationRecipient } from '../../domain/ticket';

export const MAIL_SENDER_WORKFLOW_TYPE = 'mailSenderWorkflow';

/** One sender per helpdesk (its task queue), for as long as the helpdesk runs. */
export function mailSenderWorkflowId(taskQueue: string): string {
  return `mail-sender-${taskQueue}`;
}

export interface MailSenderInput {
  /** How long one run of the sending activity lasts before it returns with what it sent. */
  runForMs: number;
  /** It returns earlier once it has settled this many mails, so each shows in the history soon. */
  maxMails: number;
}

/** What became of one queued mail, as the sending activity's result lists it (Temporal Web shows it). */
export interface MailOutcome {
  key: string;
  ticketNumber: number;
  kind: NotificationKind;
  recipient: NotificationRecipient;
  outcome: 'sent' | 'already_sent' | 'skipped' | 'failed' | 'retrying' | 'given_up';
  /** When it is tried again (retrying). */
  nextAttemptAt?: string;
}

export interface MailSenderBatch {
  mails: MailOutcome[];
}

/** The sending activity's heartbeat: how far it is, and the latest mails it settled. */
export interface MailSenderProgress {
  settled: number;
  sending: number;
  latest: MailOutcome[];
}
