import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MailSenderActivities } from '../../activities/mail-sender';
import type { MailSenderInput } from './definitions';

const { sendQueuedMail } = proxyActivities<MailSenderActivities>({
  // Well over a run of the activity (MailSenderInput.runForMs) and the mail it finishes then.
  startToCloseTimeout: '15 minutes',
  // A sender that stops heartbeating (killed worker, lost connection) is restarted on another
  // worker, which takes over the queue; the mail it held is taken once its hold runs out.
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/**
 * Sends the mail ticket changes queue (db/notifications.ts): the ticket's workflow writes its
 * mail with the change, and this one workflow per helpdesk sends it, so a new ticket costs
 * its workflow no activity and no second workflow task. Each call of the activity lists what
 * became of every mail it took, so each mail shows here in Temporal Web.
 */
export async function mailSenderWorkflow(input: MailSenderInput): Promise<void> {
  for (;;) {
    await sendQueuedMail(input);
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 1_500) break;
  }
  await continueAsNew<typeof mailSenderWorkflow>(input);
}
