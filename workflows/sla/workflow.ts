import { proxyActivities } from '@temporalio/workflow';
import type { SlaActivities } from '../../activities/sla';
import type { SlaRolloutResult } from './definitions';

const { rollOutSlaPolicies } = proxyActivities<SlaActivities>({
  startToCloseTimeout: '1 hour',
  // A rollout whose worker died is taken up again; it skips the tickets already done.
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

/**
 * Brings the SLA policies as they are now to every open ticket whose policy (or version)
 * differs: visible in Temporal Web, durable across restarts, and started again (the old run
 * ended) by each later change, which makes the earlier one moot.
 */
export async function slaRolloutWorkflow(): Promise<SlaRolloutResult> {
  return rollOutSlaPolicies();
}
