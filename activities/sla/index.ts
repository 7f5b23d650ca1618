import { Context } from '@temporalio/activity';
import type { Database } from '../../db';
import { createSlaPolicyStore, policyOf } from '../../db/sla-policies';
import { matchingPolicy } from '../../domain/sla';
import type { TicketCommandPort } from '../../domain/ticket-commands';
import type { SlaRolloutResult } from '../../workflows/sla/definitions';

export interface SlaActivityDeps {
  db: Database;
  /** How each ticket is told (the worker wires it to the ticket workflow's client). */
  commands: TicketCommandPort;
  /** Tickets told at once. */
  concurrency?: number;
}

const PAGE = 500;

export function createSlaActivities({ db, commands, concurrency = 8 }: SlaActivityDeps) {
  const store = createSlaPolicyStore(db);
  return {
    /**
     * Tells every open ticket whose policy differs from the one that applies now. Idempotent:
     * a ticket already told has the version, and the update ID names it, so a retry after a
     * crash skips or repeats harmlessly; the heartbeat carries where it got to.
     */
    async rollOutSlaPolicies(): Promise<SlaRolloutResult> {
      const context = Context.current();
      const policies = (await store.all()).map(policyOf);
      let after = (context.info.heartbeatDetails as { after?: number } | undefined)?.after ?? 0;
      let looked = 0;
      let changed = 0;
      const unreached: number[] = [];
      // A ticket's update may wait for its workflow's worker: the rollout says it is alive meanwhile.
      const alive = setInterval(() => context.heartbeat({ after }), 5_000);
      try {
        for (;;) {
          const page = await store.openTickets(after, PAGE);
          if (page.length === 0) break;
          looked += page.length;
          const due = page.filter((t) => {
            const wanted = matchingPolicy(policies, t);
            return (wanted?.id ?? null) !== t.policy_id || (wanted !== null && wanted.version !== t.policy_version);
          });
          for (let i = 0; i < due.length; i += concurrency) {
            await Promise.all(due.slice(i, i + concurrency).map(async (t) => {
              const wanted = matchingPolicy(policies, t);
              try {
                await commands.applySlaPolicy(t.number, wanted, `sla-${wanted ? `${wanted.id}-v${wanted.version}` : 'none'}-${t.number}`);
                changed += 1;
              } catch (error) {
                // A ticket whose rules refuse (it closed meanwhile) is left as it is; one that
                // did not answer keeps the rest waiting no longer, and is tried again.
                if (!(error instanceof Error && error.name === 'TicketRefusal')) unreached.push(t.number);
              }
            }));
          }
          after = page[page.length - 1]!.number;
          context.heartbeat({ after });
        }
      } finally {
        clearInterval(alive);
      }
      // The activity's retry takes them up again (the rest already have their policy: skipped).
      if (unreached.length) throw new Error(`${unreached.length} open tickets did not answer (first: #${unreached.slice(0, 5).join(', #')}); trying again`);
      return { looked, changed };
    },
  };
}

export type SlaActivities = ReturnType<typeof createSlaActivities>;
