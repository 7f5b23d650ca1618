/**
 * Opens one ticket the quickest way a benchmark or a drill can: a number from the sequence,
 * then the ticket workflow's creation, as mail ingestion does (no acknowledgement mail).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../../db';
import type { TicketSource } from '../../../domain/ticket';
import type { TicketCommands } from '../../../workflows/ticket/client';

export async function openTicketDirectly(db: Database, commands: TicketCommands, ticket: { subject: string; body: string; source: TicketSource; email: (number: number) => string }): Promise<number> {
  const [row] = await db.sequelize.query<{ number: number }>("SELECT nextval('ticket_number_seq')::int AS number", { type: QueryTypes.SELECT });
  const number = row!.number;
  await commands.create({
    number, subject: `${ticket.subject} ${number}`, body: ticket.body, priority: 'normal', source: ticket.source,
    contact: { email: ticket.email(number), phone: null, firstName: null, lastName: null, externalId: null },
    mailbox: null, createdBy: null, assigneeId: null, messageKey: null, suppressAcknowledgement: true,
  });
  return number;
}

/** The worker as its production process (`worker/main.ts`), its output in `<dir>/worker.log`: /proc then shows its own memory. */
export function spawnWorkerProcess(env: Record<string, string>, dir: string): ChildProcess {
  const worker = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../../worker/main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(join(dir, 'worker.log'));
  worker.stdout!.pipe(log);
  worker.stderr!.pipe(log);
  return worker;
}

/** A process's resident memory, from /proc. */
export const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 102.4) / 10;
