import type { Client } from '@temporalio/client';
import { slaRolloutWorkflowId, SLA_ROLLOUT_WORKFLOW_TYPE } from './definitions';

/** Starts the rollout of the policies as they are now; one still running for an earlier change gives way. */
export async function startSlaRollout(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.start(SLA_ROLLOUT_WORKFLOW_TYPE, {
    workflowId: slaRolloutWorkflowId(taskQueue),
    taskQueue,
    args: [],
    workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}
