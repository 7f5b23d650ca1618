/** The SLA rollout's contract: one workflow at a time brings every policy change to the open tickets. */
export const SLA_ROLLOUT_WORKFLOW_TYPE = 'slaRolloutWorkflow';
export const SLA_ROLLOUT_WORKFLOW_ID = 'sla-rollout';

export interface SlaRolloutResult {
  /** Open tickets looked at, and those whose policy changed. */
  looked: number;
  changed: number;
}
