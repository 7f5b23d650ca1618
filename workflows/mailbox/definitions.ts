export const MAILBOX_WORKFLOW_TYPE = 'mailboxWorkflow';

export function mailboxWorkflowId(name: string): string {
  return `mailbox-${name}`;
}

export interface MailboxWorkflowInput {
  name: string;
  /** How long one run of the watching activity lasts before it returns and is called again. */
  watchForMs: number;
}
