/**
 * SLA policies, in the order they are tried (domain/sla.ts matches a ticket to the first
 * that applies). Every change bumps the policy's version, so a ticket knows whether it has
 * the latest; the rollout (workflows/sla) brings it to the open tickets.
 */
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { textArray, type Database } from './index';
import type { SlaPolicy } from '../domain/sla';
import type { TicketSource } from '../domain/ticket';

/** Another policy has that name. */
export class SlaPolicyExists extends Error {}

export interface SlaPolicyRow {
  id: number; name: string; position: number; version: number; sources: SlaPolicy['sources']; mailboxes: string[] | null;
  targets: SlaPolicy['targets']; business_hours: SlaPolicy['businessHours']; pause_while_waiting: boolean; warn_before: SlaPolicy['warnBefore'];
  escalation: SlaPolicy['escalation'] | null;
  follow_up: SlaPolicy['followUp'] | null;
  reopen_within_ms: string | null;
}

export type SlaPolicyFields = Omit<SlaPolicy, 'id' | 'version' | 'reopenWithinMs'> & { position: number; reopenWithinMs?: number | null };

/** A row as the policy tickets carry. */
export function policyOf(row: SlaPolicyRow): SlaPolicy {
  return {
    id: row.id, version: row.version, name: row.name, sources: row.sources, mailboxes: row.mailboxes, targets: row.targets,
    businessHours: row.business_hours, pauseWhileWaiting: row.pause_while_waiting, warnBefore: row.warn_before,
    ...(row.escalation?.length ? { escalation: row.escalation } : {}),
    ...(row.follow_up ? { followUp: row.follow_up } : {}),
    ...(row.reopen_within_ms !== null && row.reopen_within_ms !== undefined ? { reopenWithinMs: Number(row.reopen_within_ms) } : {}),
  };
}

/** Every policy as one JSON array, in order: for a statement that also does something else (a new ticket's write). */
export const ALL_POLICIES_SQL = '(SELECT coalesce(json_agg(p ORDER BY p.position, p.id), \'[]\') FROM sla_policies p)';

const refusingDuplicates = (error: unknown): never => {
  if (error instanceof UniqueConstraintError) throw new SlaPolicyExists('a policy with that name exists already');
  throw error;
};

export function createSlaPolicyStore(db: Database) {
  const { sequelize } = db;
  const columns = (fields: Partial<SlaPolicyFields>) => ({
    name: fields.name ?? null,
    position: fields.position ?? null,
    sources: fields.sources === undefined ? null : fields.sources === null ? null : textArray(fields.sources),
    mailboxes: fields.mailboxes === undefined || fields.mailboxes === null ? null : textArray(fields.mailboxes),
    targets: fields.targets === undefined ? null : JSON.stringify(fields.targets),
    businessHours: fields.businessHours === undefined || fields.businessHours === null ? null : JSON.stringify(fields.businessHours),
    pause: fields.pauseWhileWaiting ?? null,
    warnBefore: fields.warnBefore === undefined ? null : JSON.stringify(fields.warnBefore),
    escalation: fields.escalation === undefined ? null : JSON.stringify(fields.escalation),
    followUp: fields.followUp === undefined || fields.followUp === null ? null : JSON.stringify(fields.followUp),
    followUpGiven: fields.followUp !== undefined,
    reopenWithinMs: fields.reopenWithinMs ?? null,
    reopenGiven: fields.reopenWithinMs !== undefined,
  });
  return {
    /** In the order they are tried. */
    async all(): Promise<SlaPolicyRow[]> {
      return sequelize.query<SlaPolicyRow>('SELECT * FROM sla_policies ORDER BY position, id', { type: QueryTypes.SELECT });
    },

    async add(fields: SlaPolicyFields): Promise<SlaPolicyRow> {
      const [row] = await sequelize.query<SlaPolicyRow>(
        `INSERT INTO sla_policies (name, position, sources, mailboxes, targets, business_hours, pause_while_waiting, warn_before, escalation,
           follow_up, reopen_within_ms)
         VALUES (:name, :position, :sources, :mailboxes, :targets, :businessHours, :pause, :warnBefore, coalesce(:escalation::jsonb, '[]'),
           :followUp::jsonb, :reopenWithinMs) RETURNING *`,
        { type: QueryTypes.SELECT, replacements: columns(fields) },
      ).catch(refusingDuplicates);
      if (!row) throw new Error('sla_policies: the insert returned no row');
      return row;
    },

    /**
     * Changes what is given (`sources`, `mailboxes`, `businessHours`: null means any / around
     * the clock; undefined leaves them) and bumps the version. Null when there is no such policy.
     */
    async change(id: number, fields: Partial<SlaPolicyFields>): Promise<SlaPolicyRow | null> {
      const [row] = await sequelize.query<SlaPolicyRow>(
        `UPDATE sla_policies SET name = coalesce(:name, name), position = coalesce(:position, position),
           sources = CASE WHEN :sourcesGiven THEN :sources::text[] ELSE sources END,
           mailboxes = CASE WHEN :mailboxesGiven THEN :mailboxes::text[] ELSE mailboxes END,
           targets = coalesce(:targets::jsonb, targets),
           business_hours = CASE WHEN :hoursGiven THEN :businessHours::jsonb ELSE business_hours END,
           pause_while_waiting = coalesce(:pause, pause_while_waiting), warn_before = coalesce(:warnBefore::jsonb, warn_before),
           escalation = coalesce(:escalation::jsonb, escalation),
           follow_up = CASE WHEN :followUpGiven THEN :followUp::jsonb ELSE follow_up END,
           reopen_within_ms = CASE WHEN :reopenGiven THEN :reopenWithinMs::bigint ELSE reopen_within_ms END,
           version = version + 1, updated_at = now()
         WHERE id = :id RETURNING *`,
        {
          type: QueryTypes.SELECT,
          replacements: {
            id, ...columns(fields),
            sourcesGiven: fields.sources !== undefined, mailboxesGiven: fields.mailboxes !== undefined, hoursGiven: fields.businessHours !== undefined,
          },
        },
      ).catch(refusingDuplicates);
      return row ?? null;
    },

    /** False when there was no such policy. */
    async remove(id: number): Promise<boolean> {
      const rows = await sequelize.query<{ id: number }>('DELETE FROM sla_policies WHERE id = :id RETURNING id', { type: QueryTypes.SELECT, replacements: { id } });
      return rows.length > 0;
    },

    /**
     * Open tickets after `afterNumber`, a page at a time, with what the rollout compares:
     * where they came from and which policy version they have.
     */
    async openTickets(afterNumber: number, limit: number): Promise<Array<{ number: number; source: TicketSource; mailbox: string | null; policy_id: number | null; policy_version: number | null }>> {
      return sequelize.query(
        `SELECT number, source, mailbox, sla_policy_id AS policy_id, (sla->'policy'->>'version')::int AS policy_version
         FROM tickets WHERE status <> 'closed' AND number > :afterNumber ORDER BY number LIMIT :limit`,
        { type: QueryTypes.SELECT, replacements: { afterNumber, limit } },
      );
    },
  };
}

export type SlaPolicyStore = ReturnType<typeof createSlaPolicyStore>;
