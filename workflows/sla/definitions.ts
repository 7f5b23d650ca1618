/** The SLA rollout's contract: one workflow at a time brings every policy change to the open tickets. */
export const SLA_ROLLOUT_WORKFLOW_TYPE = 'slaRolloutWorkflow';
/** One per task queue: helpdesks (or test runs) sharing a namespace don't stop each other's. */
export const slaRolloutWorkflowId = (taskQueue: string) => `sla-rollout-${taskQueue}`;

export interface SlaRolloutResult {
  /** Open tickets looked at, and those whose policy changed. */
  looked: number;
  changed: number;
}
