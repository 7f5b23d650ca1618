/**
 * Fills a migrated database with many tickets and comments straight through SQL, fast,
 * for reading benchmarks: the workflows that would have written them are not under test.
 */
import type { Sequelize } from 'sequelize';

const WORDS = ['printer', 'invoice', 'login', 'password', 'refund', 'shipping', 'delivery', 'broken', 'error', 'account',
  'upgrade', 'billing', 'crash', 'slow', 'export', 'import', 'mobile', 'desktop', 'license', 'contract', 'warranty',
  'screen', 'battery', 'network', 'update', 'backup', 'restore', 'email', 'calendar', 'report'];

/** Tags on the loaded tickets (each carries none, one or two, from a position its number's hash picks). */
export const TAGS = ['billing', 'vip', 'bug', 'feature request', 'refund', 'shipping', 'enterprise', 'onboarding', 'churn risk', 'api',
  'mobile', 'security', 'outage', 'invoice', 'partner', 'gdpr', 'trial', 'upgrade', 'downgrade', 'integration'];

export async function loadTickets(sequelize: Sequelize, { tickets, commentsPerTicket, operators }: { tickets: number; commentsPerTicket: number; operators: number[] }) {
  const words = `(ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}])`;
  const ops = operators.length ? `ARRAY[${operators.join(',')}]` : 'ARRAY[]::int[]';
  await sequelize.query(`
    INSERT INTO tickets (number, public_token_hash, token_version, subject, status, priority, source, assignee_id,
      contact_email, contact_first_name, contact_last_name, event_seq, comment_count, created_at, updated_at, closed_at,
      tags, needs_reply, last_customer_message_at)
    SELECT n, md5(n::text), 1,
      initcap(${words}[1 + n % 30]) || ' ' || ${words}[1 + (n / 30) % 30] || ' ' || ${words}[1 + (n / 900) % 30] || ' ' || n,
      (ARRAY['new','in_progress','waiting','closed','closed','closed','closed','closed'])[1 + n % 8],
      (ARRAY['low','normal','normal','normal','high','urgent'])[1 + n % 6],
      (ARRAY['email','email','widget','admin'])[1 + n % 4],
      CASE WHEN n % 5 = 0 OR cardinality(${ops}) = 0 THEN NULL ELSE (${ops})[1 + n % greatest(cardinality(${ops}), 1)] END,
      'customer' || (n % 40000) || '@example.com', 'First' || (n % 997), 'Last' || (n % 1009),
      ${commentsPerTicket} + 1, ${commentsPerTicket},
      now() - make_interval(mins => (${tickets} - n + 1) * 3),
      now() - make_interval(mins => (${tickets} - n + 1) * 2),
      NULL,
      -- Tags as a team uses them: most tickets one or none, a few common ones, a long tail.
      -- (Positions from a hash of the number: a tag falls on tickets of any status and assignee.)
      (ARRAY[${TAGS.map((t) => `'${t}'`).join(',')}])[1 + abs(hashint4(n)) % ${TAGS.length}:1 + abs(hashint4(n)) % ${TAGS.length} + abs(hashint4(n + 1)) % 3 - 1],
      n % 3 = 0,
      now() - make_interval(mins => (${tickets} - n + 1) * 2)
    FROM generate_series((SELECT coalesce(max(number), 0) + 1 FROM tickets), (SELECT coalesce(max(number), 0) FROM tickets) + ${tickets}) AS n
  `);
  await sequelize.query(`SELECT setval('ticket_number_seq', (SELECT max(number) FROM tickets))`);
  await sequelize.query(`
    INSERT INTO comments (ticket_number, event_seq, visibility, author_kind, author_id, body, channel, created_at)
    SELECT t.number, s, CASE WHEN s % 4 = 0 THEN 'internal' ELSE 'public' END,
      CASE WHEN s % 2 = 1 THEN 'customer' ELSE 'operator' END, NULL,
      'Hello, about the ' || ${words}[1 + (t.number + s) % 30] || ' and the ' || ${words}[1 + (t.number * s) % 30] ||
        ': it shows code ' || (t.number * 7 + s) || ' since ' || s || ' days. Please help.',
      'email', t.created_at + make_interval(mins => s)
    FROM tickets t CROSS JOIN generate_series(1, ${commentsPerTicket}) AS s
    WHERE t.number > (SELECT coalesce(max(ticket_number), 0) FROM comments)
  `);
  // What autovacuum would have done by the time a helpdesk holds this much.
  await sequelize.query('VACUUM ANALYZE tickets');
  await sequelize.query('VACUUM ANALYZE comments');
}
