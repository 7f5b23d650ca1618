import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { MailboxActivities } from '../../activities/mailbox';
import type { MailboxWorkflowInput } from './definitions';

const { watchMailbox } = proxyActivities<MailboxActivities>({
  startToCloseTimeout: '1 hour',
  // A watcher that stops heartbeating (killed worker, lost connection) is restarted.
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

/** One per mailbox, for as long as the helpdesk runs: its ingestion, visible in Temporal Web. */
export async function mailboxWorkflow(input: MailboxWorkflowInput): Promise<void> {
  for (let run = 0; run < 100; run++) {
    const { stopped } = await watchMailbox({ name: input.name, runForMs: input.watchForMs });
    // The mailbox was removed or switched off: its workflow ends with it.
    if (stopped) return;
  }
  await continueAsNew<typeof mailboxWorkflow>(input);
}
