import type { Client } from '@temporalio/client';
import { MAILBOX_WORKFLOW_TYPE, MailboxWorkflowInput, mailboxWorkflowId } from './definitions';

/** Starts each mailbox's workflow unless it runs already; safe from every worker at every start. */
export async function startMailboxWorkflows(client: Client, taskQueue: string, names: string[], watchForMs = 5 * 60_000) {
  for (const name of names) {
    const input: MailboxWorkflowInput = { name, watchForMs };
    await client.workflow.start(MAILBOX_WORKFLOW_TYPE, {
      workflowId: mailboxWorkflowId(name),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
}
