/**
 * `node --import tsx dev/scripts/record-ticket-histories.ts <label> [life…]`: runs typical
 * ticket lives (all, or the ones named) with the workflow code of this checkout and writes
 * their histories to
 * test/fixtures/ticket-histories/<label>-<life>.json. Run it on the commit before a change
 * to the ticket workflow: test/workflow-replay.test.ts then replays every recorded history
 * with the new code, which must make the same decisions (or guard the change with patched()).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { ensureTemporalCli, startTemporalDevServer } from '../../scripts/temporal-dev-server';
import { freePort } from '../../test/support/ports';
import { scratchDatabase } from '../bench/support/measure';
import { loadConfig, Config } from '../../config';
import { connectDatabase } from '../../db';
import { migrate } from '../../db/migrate';
import { outboxMailer } from '../../mail/outbound/mailer';
import { createRenderer } from '../../mail/outbound/render';
import { ticketActivitySettings } from '../../activities/ticket';
import { createTicketWorker } from '../../worker';
import { startMailSender } from '../../workflows/mail-sender/client';
import { helpdeskDataConverter } from '../../security/payload-codec';
import { ticketCommandsFor } from '../../workflows/ticket/client';
import { addCustomerMessageUpdate, addOperatorCommentUpdate, changeTicketUpdate, ticketWorkflowId } from '../../workflows/ticket/definitions';
import type { NewTicket } from '../../domain/ticket';
import { createTeamStore } from '../../db/teams';
import { teamDispatchFor } from '../../workflows/team-dispatcher/client';
import { teamDispatcherId } from '../../workflows/team-dispatcher/definitions';

const OUT = join(__dirname, '..', '..', 'test', 'fixtures', 'ticket-histories');
/** Recordings' payloads are encrypted under the key this secret gives: the replay test decrypts them with it. */
export const HISTORIES_SECRET_KEY = 'histories-secret-key-0123456789abcdef0123';

async function main() {
  const label = process.argv[2];
  if (!label || !/^[a-z0-9-]+$/.test(label)) throw new Error('Name the recording: a label of a-z, 0-9 and -, e.g. the commit it was made on');
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never });
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-histories-'));
  const cli = ensureTemporalCli();
  const devServer = await startTemporalDevServer({
    binary: cli, port: await freePort(), uiPort: await freePort(), dbFile: null, namespace: 'default', headless: true, logFile: join(dir, 'temporal.log'),
  });
  const database = await scratchDatabase('histories');
  try {
    const config = loadConfig({
      DATABASE_URL: database.url, TEMPORAL_ADDRESS: devServer.address, TEMPORAL_TASK_QUEUE: 'histories',
      SECRET_KEY: HISTORIES_SECRET_KEY, PUBLIC_URL: 'http://127.0.0.1:3000',
    }) as Config & { SECRET_KEY: string; DATABASE_URL: string };
    const db = connectDatabase(config.DATABASE_URL);
    await migrate(db.sequelize);
    const operator = await db.Operator.create({ email: 'agent@example.com', name: 'Agent', role: 'agent', passwordHash: 'x' });
    const colleague = await db.Operator.create({ email: 'colin@example.com', name: 'Colin Colleague', role: 'agent', passwordHash: 'x' });
    await db.Customer.create({ email: 'known@example.com', firstName: 'Known', lastName: 'Customer', externalId: null, phone: null, company: null });
    const connection = await Connection.connect({ address: devServer.address });
    const dataConverter = helpdeskDataConverter(config);
    const client = new Client({ connection, dataConverter });
    const workerConnection = await NativeConnection.connect({ address: devServer.address });
    const mailer = outboxMailer(join(dir, 'outbox'), () => undefined);
    const worker = await createTicketWorker({
      connection: workerConnection, namespace: 'default', taskQueue: 'histories', maxCachedWorkflows: 100, shutdownGraceMs: 0, stickyTimeoutMs: config.WORKER_STICKY_TIMEOUT, dataConverter,
      activities: { db, mailer, render: createRenderer(), ...ticketActivitySettings(config), log: () => undefined },
      mailSender: { databaseUrl: config.DATABASE_URL, giveUpAfterMs: config.MAIL_GIVE_UP_AFTER },
      sla: { db, commands: ticketCommandsFor(client, config) },
    });
    const commands = ticketCommandsFor(client, config);
    // The mail changes queue goes out through the mail sender, as in production.
    await startMailSender(client, 'histories');
    const followingUp = ticketCommandsFor(client, { ...config, WAITING_REMINDER_AFTER: 1000, WAITING_CLOSE_AFTER: 1000 });
    const actor = { kind: 'operator', id: operator.id } as const;
    const newTicket = (number: number, email: string, assigneeId: number | null = null): NewTicket => ({
      number, subject: `Recorded ticket ${number}`, body: 'Hello, something is broken.', priority: 'normal', source: 'admin',
      contact: { email, phone: null, firstName: 'Ann', lastName: 'Example', externalId: null },
      mailbox: null, createdBy: operator.id, assigneeId, messageKey: null, suppressAcknowledgement: false,
    });

    /** Each life answers the ticket whose workflow it records, or another workflow's ID. */
    const lives: Record<string, () => Promise<number | string>> = {
      // A customer the CRM knows, worked on, answered, noted, answered back, closed.
      'crm-customer-full-life': async () => {
        await commands.create(newTicket(1, 'known@example.com'));
        await commands.update(1, changeTicketUpdate, [{ status: 'in_progress', assigneeId: operator.id, priority: 'high' }, actor]);
        await commands.update(1, addOperatorCommentUpdate, [{ visibility: 'internal', body: 'Checked the logs.' }, actor]);
        await commands.update(1, addOperatorCommentUpdate, [{ visibility: 'public', body: 'Fixed, please try again.' }, actor]);
        await commands.update(1, addCustomerMessageUpdate, [{ body: 'Works now, thanks!', channel: 'web', messageKey: 'recorded-answer-1', automatic: false }]);
        await commands.update(1, changeTicketUpdate, [{ status: 'closed' }, actor]);
        return 1;
      },
      // Nobody the CRM knows, assigned at creation, waiting on the customer.
      'unknown-customer-waiting': async () => {
        await commands.create(newTicket(2, 'stranger@example.com', operator.id));
        await commands.update(2, changeTicketUpdate, [{ status: 'waiting' }, actor]);
        return 2;
      },
      // Set aside until a time: woken by its own timer, then answered.
      'snoozed-and-woken': async () => {
        await commands.create(newTicket(3, 'snoozer@example.com', operator.id));
        await commands.update(3, changeTicketUpdate, [{ waitingUntil: new Date(Date.now() + 1500).toISOString() }, actor]);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await commands.update(3, addCustomerMessageUpdate, [{ body: 'Still there?', channel: 'web', messageKey: 'recorded-answer-3', automatic: false }]);
        return 3;
      },
      // Waiting on a customer who never answers: reminded once, then closed.
      'followed-up-and-closed': async () => {
        await followingUp.create(newTicket(4, 'silent@example.com', operator.id));
        await followingUp.update(4, addOperatorCommentUpdate, [{ visibility: 'public', body: 'Could you send the logs?', status: 'waiting' }, actor]);
        await new Promise((resolve) => setTimeout(resolve, 4000));
        return 4;
      },
      // Assigned to a colleague who is mentioned in a note: the bell and the mail to operators.
      'assigned-and-mentioned': async () => {
        await commands.create(newTicket(5, 'mentioned@example.com'));
        await commands.update(5, changeTicketUpdate, [{ assigneeId: colleague.id }, actor]);
        await commands.update(5, addOperatorCommentUpdate, [{ visibility: 'internal', body: '@Colin Colleague have a look', mentions: [colleague.id] }, actor]);
        return 5;
      },
      // Tagged at creation and later, answered both ways, the tags taken off again (TicketTags set, then cleared).
      'tagged-and-untagged': async () => {
        await commands.create({ ...newTicket(6, 'tagged@example.com'), tags: ['billing'] });
        await commands.update(6, changeTicketUpdate, [{ addTags: ['vip', 'refund'] }, actor]);
        await commands.update(6, addOperatorCommentUpdate, [{ visibility: 'public', body: 'Refund is on its way.' }, actor]);
        await commands.update(6, addCustomerMessageUpdate, [{ body: 'Thanks!', channel: 'web', messageKey: 'recorded-answer-6', automatic: false }]);
        await commands.update(6, changeTicketUpdate, [{ removeTags: ['refund'] }, actor]);
        await commands.update(6, changeTicketUpdate, [{ tags: [] }, actor]);
        return 6;
      },
      // Merged into the same customer's other ticket: closed quietly, then refusing the customer's word.
      'merged-away': async () => {
        await commands.create(newTicket(7, 'merged@example.com'));
        await commands.create(newTicket(8, 'merged@example.com'));
        await commands.update(8, addOperatorCommentUpdate, [{ visibility: 'public', body: 'Looking into it.' }, actor]);
        await commands.update(8, changeTicketUpdate, [{ mergeInto: 7 }, actor]);
        await commands.update(7, changeTicketUpdate, [{ mergedFrom: 8 }, actor]);
        await commands.update(8, addCustomerMessageUpdate, [{ body: 'Hello?', channel: 'web', messageKey: 'recorded-answer-8', automatic: false }]).catch(() => undefined);
        return 8;
      },
      // A team's dispatcher: two tickets placed in turn, one offer not opened in time passed on.
      'team-dispatcher': async () => {
        const teams = createTeamStore(db);
        const team = await teams.create({ name: 'Recorded team', sources: ['admin'], mailboxes: null, assignment: 'round_robin', acceptWithinMs: 1000, members: [operator.id, colleague.id] });
        await teams.setAvailable(operator.id, true);
        await teams.setAvailable(colleague.id, true);
        const dispatch = teamDispatchFor(client, 'histories');
        await commands.create({ ...newTicket(9, 'team-a@example.com'), teamId: team.id });
        await commands.create({ ...newTicket(10, 'team-b@example.com'), teamId: team.id });
        await dispatch.ticketWaiting(team.id, 9);
        await dispatch.ticketWaiting(team.id, 10);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await dispatch.teamsChanged([team.id]);
        return teamDispatcherId('histories', team.id);
      },
    };
    const only = process.argv.slice(3);
    for (const life of Object.keys(lives)) if (only.length && !only.includes(life)) delete lives[life];
    mkdirSync(OUT, { recursive: true });
    await worker.runUntil(async () => {
      for (const [life, run] of Object.entries(lives)) {
        const ran = await run();
        // Let the notifications finish, so their activities are in the history too.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        // The CLI writes the JSON form every Temporal tool reads (the SDK's own converter
        // trips over two copies of protobufjs here).
        const { stdout } = await promisify(execFile)(cli, [
          'workflow', 'show', '--workflow-id', typeof ran === 'string' ? ran : ticketWorkflowId(ran), '--address', devServer.address, '--output', 'json',
        ], { maxBuffer: 64 * 1024 * 1024 });
        const file = join(OUT, `${label}-${life}.json`);
        writeFileSync(file, stdout.endsWith('\n') ? stdout : `${stdout}\n`);
        console.log(`recorded ${file} (${(JSON.parse(stdout) as { events: unknown[] }).events.length} events)`);
      }
    });
    await workerConnection.close();
    await connection.close();
    mailer.close();
    await db.sequelize.close();
  } finally {
    await devServer.stop();
    await database.drop();
  }
}

if (require.main === module) {
  main().then(() => process.exit(0), (error) => {
    console.error(error);
    process.exit(1);
  });
}
