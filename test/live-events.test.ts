/**
 * GET /api/events: what the admin UI's live updates stand on. A change made through the
 * worker's persist activity reaches a logged-in operator's stream once it is committed.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session } from './support/harness';
import { freePort } from './support/ports';

let h: Harness;
let agent: Session;
let baseUrl: string;

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  // Streams look at their session again every 300 ms here (a minute by default).
  h = await startHarness({ env: { PUBLIC_URL: baseUrl, EVENT_STREAM_SESSION_CHECK: '300ms' } });
  await h.app.listen({ host: '127.0.0.1', port });
  agent = await h.login('agent', 'Live Listener');
});
afterAll(() => h.close());

interface ServerSentEvent { event: string; data: string }

/** Reads a text/event-stream until `until` is satisfied, or fails after the timeout. */
async function collect(response: Response, until: (events: ServerSentEvent[]) => boolean, timeoutMs = 20_000): Promise<ServerSentEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: ServerSentEvent[] = [];
  let buffer = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended after ${JSON.stringify(events)}`);
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
        if (fields.event) events.push({ event: fields.event, data: fields.data ?? '' });
      }
    }
    return events;
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
}

it('refuses the stream without a session', async () => {
  const response = await fetch(`${baseUrl}/api/events`);
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ error: 'unauthorized' });
});

it('tells a logged-in operator of every committed change: new tickets, replies, status', async () => {
  const response = await fetch(`${baseUrl}/api/events`, { headers: { cookie: agent.cookie } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');

  const created = await h.request(agent, 'POST', '/api/tickets', { subject: 'Live', body: 'Hello', customer: { email: `live-${randomUUID().slice(0, 8)}@example.com` } });
  const { number } = created.json();
  await h.request(agent, 'POST', `/api/tickets/${number}/comments`, { body: 'Looking into it', visibility: 'internal' });
  await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'waiting' });

  const mine = (events: ServerSentEvent[]) => events.filter((e) => e.event === 'ticket').map((e) => JSON.parse(e.data)).filter((c) => c.number === number);
  const events = await collect(response, (all) => mine(all).length >= 3);
  expect(mine(events).map((c) => c.type)).toEqual(['create', 'internal_note', 'set_status']);
  // Numbers and kinds only: what an operator may read is decided when they fetch the ticket.
  expect(Object.keys(mine(events)[1]).sort()).toEqual(['number', 'seq', 'type']);
  expect(events.map((e) => e.data).join('\n')).not.toContain('Looking into it');
});

it('ends the stream when its session logs out', async () => {
  const session = await h.login('agent', 'Leaving Soon');
  const response = await fetch(`${baseUrl}/api/events`, { headers: { cookie: session.cookie } });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  await reader.read(); // the stream's first frame: it is open
  expect((await h.request(session, 'POST', '/api/auth/logout')).statusCode).toBe(204);
  const ended = await Promise.race([
    (async () => { for (;;) if ((await reader.read()).done) return true; })(),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000)),
  ]);
  expect(ended).toBe(true);
});

/** Whether the stream ends (the server closes it) within `ms`. */
async function endsWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<boolean> {
  return Promise.race([
    (async () => { for (;;) if ((await reader.read()).done) return true; })(),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

it.each([
  ['its session expires', (id: number) => h.db.sequelize.query('UPDATE sessions SET expires_at = now() WHERE operator_id = :id', { replacements: { id } })],
  ['its operator is disabled', (id: number) => h.db.Operator.update({ active: false }, { where: { id } })],
])('ends the stream when %s, without any request from it', async (_, endSession) => {
  const session = await h.login('agent', 'Fading Away');
  const response = await fetch(`${baseUrl}/api/events`, { headers: { cookie: session.cookie } });
  expect(response.status).toBe(200);
  // A valid session's stream outlives several looks at it and still carries changes.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const created = await h.request(agent, 'POST', '/api/tickets', { subject: 'Still listening', body: 'Hello', customer: { email: `still-${randomUUID().slice(0, 8)}@example.com` } });
  const { number } = created.json();
  const [tee, rest] = response.body!.tee();
  const events = await collect(new Response(tee), (all) => all.some((e) => e.event === 'ticket' && JSON.parse(e.data).number === number));
  expect(events.length).toBeGreaterThan(0);
  await endSession(session.operator.id);
  expect(await endsWithin(rest.getReader(), 5000)).toBe(true);
});

