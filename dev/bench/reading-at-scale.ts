/**
 * Reading at scale: 100,000 tickets and 1,000,000 comments loaded straight into
 * PostgreSQL, then every list the admin UI asks for (each view, filters, sorts, a deep
 * page, full-text searches) and the ticket view, through the real Fastify app with an
 * operator session, beside the bare SQL those requests run, sent by a plain pg pool.
 * EXPLAIN shows whether each statement uses an index.
 */
import { Pool } from 'pg';
import { Connection, Client } from '@temporalio/client';
import { loadConfig, Config } from '../../config';
import { connectDatabase } from '../../db';
import { migrate } from '../../db/migrate';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../security/passwords';
import { loadTickets } from './support/load-tickets';
import { machine, percentile, round, scratchDatabase } from './support/measure';
import { createSavedViewStore } from '../../db/saved-views';
import { DEFAULT_COLUMNS, type TicketFilters } from '../../domain/views';
import { OPEN_STATUSES } from '../../domain/ticket';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const COMMENTS_PER_TICKET = Number(process.env.BENCH_COMMENTS_PER_TICKET ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const OPEN = 'status=new&status=in_progress&status=waiting';
/** What the admin UI's screens request (see admin-ui/src/views/ticket-list-view.ts). */
const CASES: Array<[string, string]> = [
  ['My tickets', `/api/tickets?${OPEN}&assignee=me&pageSize=25`],
  ['Unassigned', `/api/tickets?${OPEN}&assignee=none&pageSize=25`],
  ['All open', `/api/tickets?${OPEN}&pageSize=25`],
  ['Waiting', '/api/tickets?status=waiting&pageSize=25'],
  ['Closed', '/api/tickets?status=closed&pageSize=25'],
  ['All tickets', '/api/tickets?pageSize=25'],
  ['Open, urgent', `/api/tickets?${OPEN}&priority=urgent&pageSize=25`],
  ['Open, from the widget', `/api/tickets?${OPEN}&source=widget&pageSize=25`],
  ['Open, by priority', `/api/tickets?${OPEN}&sort=priority_desc&pageSize=25`],
  ['Open, page 100', `/api/tickets?${OPEN}&page=100&pageSize=25`],
  ['Search: customer address', '/api/tickets?q=customer12345%40example.com&pageSize=25'],
  ['Search: ticket number', '/api/tickets?q=%2342424&pageSize=25'],
  ['Search: two words', '/api/tickets?q=printer%20invoice&pageSize=25'],
  ['Search: common word', '/api/tickets?q=printer&pageSize=25'],
  ['Open, tagged vip', `/api/tickets?${OPEN}&tag=vip&pageSize=25`],
  ['Open, two tags', `/api/tickets?${OPEN}&tag=billing&tag=vip&pageSize=25`],
  ['Needs reply', `/api/tickets?${OPEN}&needsReply=true&pageSize=25`],
  ['Unread, mine', `/api/tickets?${OPEN}&assignee=me&unread=true&pageSize=25`],
  ['Saved view: mine, tagged', `/api/tickets?${OPEN}&assignee=me&tag=security&sort=created_asc&pageSize=25`],
  ['Sidebar counts (12 views)', '/api/views/counts'],
  ['Ticket view', `/api/tickets/${Math.round(TICKETS / 2)}`],
];

/** The reader's saved views, beside the nine built-in ones: what the sidebar counts. */
const SAVED_VIEWS: Array<{ name: string; filters: TicketFilters }> = [
  { name: 'Mine, tagged security', filters: { status: [...OPEN_STATUSES], assignee: 'me', tag: ['security'] } },
  { name: 'VIP needing a reply', filters: { status: [...OPEN_STATUSES], tag: ['vip'], needsReply: true } },
  { name: 'Urgent bugs', filters: { status: [...OPEN_STATUSES], priority: 'urgent', tag: ['bug'] } },
];


async function time(runs: number, action: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await action();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await action();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)) };
}

function planNodes(plan: Record<string, unknown>, out: string[] = []): string[] {
  out.push(`${plan['Node Type']}${plan['Relation Name'] ? ` on ${plan['Relation Name']}` : ''}${plan['Index Name'] ? ` (${plan['Index Name']})` : ''}`);
  for (const child of (plan.Plans as Record<string, unknown>[] | undefined) ?? []) planNodes(child, out);
  return out;
}

export async function readingAtScale() {
  const database = await scratchDatabase('read');
  const databaseUrl = database.url;
  let captured: string[] | null = null;
  const db = connectDatabase(databaseUrl, {
    logging: (sql) => captured?.push(sql.replace(/^Executing \([^)]*\): /, '')),
  });
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  // Reading needs no Temporal server: the client connects only when a write asks it to.
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  try {
    await migrate(db.sequelize);
    const password = 'bench-password-123';
    const operator = await db.Operator.create({ email: 'reader@bench.test', name: 'Reader', role: 'agent', passwordHash: await hashPassword(password) });
    const others = await Promise.all(Array.from({ length: 9 }, (_, i) => db.Operator.create({ email: `op${i}@bench.test`, name: `Operator ${i}`, role: 'agent', passwordHash: 'x' })));
    process.stdout.write(`Loading ${TICKETS.toLocaleString('en')} tickets and ${(TICKETS * COMMENTS_PER_TICKET).toLocaleString('en')} comments ... `);
    const loadStart = performance.now();
    await loadTickets(db.sequelize, { tickets: TICKETS, commentsPerTicket: COMMENTS_PER_TICKET, operators: [others[0]!.id, operator.id, ...others.slice(1).map((o) => o.id)] });
    console.log(`${round((performance.now() - loadStart) / 1000)} s`);
    const views = createSavedViewStore(db);
    for (const v of SAVED_VIEWS) await views.create({ name: v.name, ownerId: operator.id, filters: v.filters, sort: null, columns: DEFAULT_COLUMNS }, operator.id);
    // What a team's reading leaves: the reader has opened a third of the tickets since.
    await db.sequelize.query(`INSERT INTO ticket_reads (operator_id, ticket_number, read_at) SELECT ${operator.id}, number, now() FROM tickets WHERE number % 3 = 1`);

    const config = loadConfig({
      DATABASE_URL: databaseUrl, SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789', RATE_LIMIT_API: '1000000',
    }) as Config & { SECRET_KEY: string; DATABASE_URL: string };
    const app = await buildApp({ config, db, temporal: new Client({ connection }) });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'reader@bench.test', password } });
    const cookie = `hd_session=${login.cookies.find((c) => c.name === 'hd_session')!.value}`;

    const rows = [];
    for (const [name, url] of CASES) {
      captured = [];
      const first = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (first.statusCode !== 200) throw new Error(`${url} answered ${first.statusCode}: ${first.body}`);
      // Every statement this request ran: the session lookup (and the sidebar's lookup of
      // the saved views) first, one after another as the request does, then the page's
      // queries together.
      const runsFirst = (sql: string) => /FROM "(sessions|operators)" AS/.test(sql) || /^SELECT id, owner_id, name, filters/.test(sql.trim());
      const auth = captured.filter(runsFirst);
      const statements = captured.filter((sql) => !runsFirst(sql));
      captured = null;
      const api = await time(RUNS, () => app.inject({ method: 'GET', url, headers: { cookie } }));
      const sql = await time(RUNS, async () => {
        for (const statement of auth) await pool.query(statement);
        await Promise.all(statements.map((s) => pool.query(s)));
      });
      const plans = await Promise.all(statements.map(async (s) => planNodes((await pool.query(`EXPLAIN (FORMAT JSON) ${s}`)).rows[0]['QUERY PLAN'][0].Plan)));
      const seqScans = [...new Set(plans.flat().filter((n) => n.startsWith('Seq Scan on tickets') || n.startsWith('Seq Scan on comments')))];
      const indexes = [...new Set(plans.flat().map((n) => /\(([^)]+)\)$/.exec(n)?.[1]).filter(Boolean))];
      const total = (first.json() as { total?: number }).total;
      rows.push({ name, url, total: total ?? null, statements: statements.length, api, sql, ratioP95: round(api.p95 / sql.p95, 2), indexes, seqScans });
    }
    await app.close();

    const results = {
      benchmark: 'reading at scale',
      machine: machine(),
      tickets: TICKETS,
      comments: TICKETS * COMMENTS_PER_TICKET,
      runs: RUNS,
      baseline: 'the same SQL statements the request ran, sent at once through a plain pg pool',
      goal: 'p95 within 1.5x of the bare SQL, and an index in every list query (issue: proof under load)',
      cases: rows,
    };
    console.log(`\nReading at scale on ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB: ${TICKETS.toLocaleString('en')} tickets, ${results.comments.toLocaleString('en')} comments, ${RUNS} runs each`);
    console.log(`  ${'Request'.padEnd(26)} ${'matches'.padStart(8)}  ${'API p50'.padStart(8)} ${'API p95'.padStart(8)}  ${'SQL p50'.padStart(8)} ${'SQL p95'.padStart(8)}  ratio  indexes (seq scans)`);
    for (const r of rows) {
      console.log(`  ${r.name.padEnd(26)} ${String(r.total ?? '').padStart(8)}  ${`${r.api.p50} ms`.padStart(8)} ${`${r.api.p95} ms`.padStart(8)}  ${`${r.sql.p50} ms`.padStart(8)} ${`${r.sql.p95} ms`.padStart(8)}  ${String(r.ratioP95).padStart(5)}  ${r.indexes.join(', ') || 'none'}${r.seqScans.length ? ` (${r.seqScans.join(', ')})` : ''}`);
    }
    return results;
  } finally {
    await connection.close().catch(() => undefined);
    await pool.end();
    await db.sequelize.close();
    await database.drop();
  }
}
