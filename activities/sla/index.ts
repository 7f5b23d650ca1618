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
      for (;;) {
        const page = await store.openTickets(after, PAGE);
        if (page.length === 0) return { looked, changed };
        looked += page.length;
        const due = page.filter((t) => {
          const wanted = matchingPolicy(policies, t);
          return (wanted?.id ?? null) !== t.policy_id || (wanted !== null && wanted.version !== t.policy_version);
        });
        for (let i = 0; i < due.length; i += concurrency) {
          await Promise.all(due.slice(i, i + concurrency).map(async (t) => {
            const wanted = matchingPolicy(policies, t);
            await commands.applySlaPolicy(t.number, wanted, `sla-${wanted ? `${wanted.id}-v${wanted.version}` : 'none'}-${t.number}`)
              // A ticket whose rules refuse (it closed meanwhile) is left as it is.
              .catch((error: unknown) => { if (!(error instanceof Error && error.name === 'TicketRefusal')) throw error; });
            changed += 1;
          }));
          context.heartbeat({ after });
        }
        after = page[page.length - 1]!.number;
        context.heartbeat({ after });
      }
    },
  };
}

export type SlaActivities = ReturnType<typeof createSlaActivities>;
