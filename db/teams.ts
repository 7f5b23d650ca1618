/**
 * Teams, their members and who is available; what a team's dispatcher reads (its members
 * with their open tickets, its backlog of unassigned tickets in arrival order).
 */
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { intArray, textArray, type Database } from './index';
import type { TicketSource } from '../domain/ticket';
import type { TeamAssignment, TeamMember } from '../domain/teams';

export class TeamNameTaken extends Error {}

export interface TeamRow {
  id: number;
  name: string;
  sources: TicketSource[] | null;
  mailboxes: string[] | null;
  assignment: TeamAssignment;
  accept_within_ms: number | null;
  position: number;
  members: number[];
}

export interface TeamFields {
  name: string;
  sources: TicketSource[] | null;
  mailboxes: string[] | null;
  assignment: TeamAssignment;
  acceptWithinMs: number | null;
  members: number[];
}

const SELECT = `SELECT t.id, t.name, t.sources, t.mailboxes, t.assignment, t.accept_within_ms::float8 AS accept_within_ms, t.position,
  coalesce((SELECT array_agg(m.operator_id ORDER BY m.operator_id) FROM team_members m WHERE m.team_id = t.id), '{}') AS members
  FROM teams t`;

const refusingTakenName = (error: unknown): never => {
  if (error instanceof UniqueConstraintError) throw new TeamNameTaken();
  throw error;
};

export function createTeamStore(db: Database) {
  const { sequelize } = db;
  const replacementsOf = (fields: TeamFields) => ({
    name: fields.name, assignment: fields.assignment, acceptWithinMs: fields.acceptWithinMs,
    sources: fields.sources === null ? null : textArray(fields.sources), mailboxes: fields.mailboxes === null ? null : textArray(fields.mailboxes),
    members: intArray(fields.members),
  });
  return {
    /** In the admins' order: the first whose channels a new ticket came by takes it. */
    async list(): Promise<TeamRow[]> {
      return sequelize.query<TeamRow>(`${SELECT} ORDER BY t.position, t.id`, { type: QueryTypes.SELECT });
    },

    async byId(id: number): Promise<TeamRow | null> {
      const [row] = await sequelize.query<TeamRow>(`${SELECT} WHERE t.id = :id`, { type: QueryTypes.SELECT, replacements: { id } });
      return row ?? null;
    },

    async create(fields: TeamFields): Promise<TeamRow> {
      const [row] = await sequelize.query<{ id: number }>(
        `WITH team AS (
           INSERT INTO teams (name, sources, mailboxes, assignment, accept_within_ms, position)
           VALUES (:name, :sources::text[], :mailboxes::text[], :assignment, :acceptWithinMs, (SELECT coalesce(max(position) + 1, 0) FROM teams))
           RETURNING id),
         members AS (INSERT INTO team_members (team_id, operator_id) SELECT team.id, unnest(:members::int[]) FROM team)
         SELECT id FROM team`,
        { type: QueryTypes.SELECT, replacements: replacementsOf(fields) },
      ).catch(refusingTakenName);
      return (await this.byId(row!.id))!;
    },

    async change(id: number, fields: TeamFields): Promise<TeamRow | null> {
      await sequelize.transaction(async (transaction) => {
        await sequelize.query(
          `UPDATE teams SET name = :name, sources = :sources::text[], mailboxes = :mailboxes::text[], assignment = :assignment,
             accept_within_ms = :acceptWithinMs, updated_at = now() WHERE id = :id`,
          { replacements: { id, ...replacementsOf(fields) }, transaction },
        ).catch(refusingTakenName);
        await sequelize.query(
          `DELETE FROM team_members WHERE team_id = :id AND NOT operator_id = ANY(:members::int[]);
           INSERT INTO team_members (team_id, operator_id) SELECT :id, unnest(:members::int[]) ON CONFLICT DO NOTHING`,
          { replacements: { id, ...replacementsOf(fields) }, transaction },
        );
      });
      return this.byId(id);
    },

    /** Its tickets keep the team's number (shown as no team) and stay with whoever has them. */
    async remove(id: number): Promise<void> {
      await sequelize.query('DELETE FROM teams WHERE id = :id', { replacements: { id } });
    },

    /** Marks the operator available or away; the teams they are in (whose dispatchers must hear of it). */
    async setAvailable(operatorId: number, available: boolean): Promise<number[]> {
      const rows = await sequelize.query<{ team_id: number }>(
        `WITH changed AS (UPDATE operators SET available = :available WHERE id = :operatorId)
         SELECT team_id FROM team_members WHERE operator_id = :operatorId`,
        { type: QueryTypes.SELECT, replacements: { operatorId, available } },
      );
      return rows.map((r) => r.team_id);
    },

    /** The team's active members in a stable order, whether each is available, and how many open tickets each has. */
    async membersForDispatch(teamId: number): Promise<TeamMember[]> {
      return sequelize.query<TeamMember>(
        `SELECT o.id, o.available, (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = o.id AND t.status <> 'closed') AS "openTickets"
         FROM team_members m JOIN operators o ON o.id = m.operator_id AND o.active WHERE m.team_id = :teamId ORDER BY o.id`,
        { type: QueryTypes.SELECT, replacements: { teamId } },
      );
    },

    /** The team's open tickets nobody has, oldest first (the dispatcher's backlog). */
    async backlog(teamId: number, limit: number): Promise<number[]> {
      const rows = await sequelize.query<{ number: number }>(
        `SELECT number FROM tickets WHERE team_id = :teamId AND assignee_id IS NULL AND status <> 'closed' AND merged_into IS NULL
         ORDER BY created_at, number LIMIT :limit`,
        { type: QueryTypes.SELECT, replacements: { teamId, limit } },
      );
      return rows.map((r) => r.number);
    },

    /** Where a ticket stands for its team's dispatcher: null when there is no such ticket. */
    async ticketForDispatch(ticketNumber: number): Promise<{ teamId: number | null; assigneeId: number | null; open: boolean } | null> {
      const [row] = await sequelize.query<{ team_id: number | null; assignee_id: number | null; open: boolean }>(
        "SELECT team_id, assignee_id, status <> 'closed' AND merged_into IS NULL AS open FROM tickets WHERE number = :ticketNumber",
        { type: QueryTypes.SELECT, replacements: { ticketNumber } },
      );
      return row ? { teamId: row.team_id, assigneeId: row.assignee_id, open: row.open } : null;
    },
  };
}
