import type { Client } from '@temporalio/client';
import { MAIL_SENDER_WORKFLOW_TYPE, MailSenderInput, mailSenderWorkflowId } from './definitions';

const DEFAULT_INPUT: MailSenderInput = { runForMs: 5 * 60_000, maxMails: 100 };

/** Starts the helpdesk's mail sender unless it runs already; safe from every worker at every start. */
export async function startMailSender(client: Client, taskQueue: string, input: MailSenderInput = DEFAULT_INPUT): Promise<void> {
  await client.workflow.start(MAIL_SENDER_WORKFLOW_TYPE, {
    workflowId: mailSenderWorkflowId(taskQueue),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
