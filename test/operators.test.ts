/**
 * Managing operators: an admin adds colleagues, changes their name and role, disables one
 * who leaves (logged out at once) and sets new passwords; nobody can lock the helpdesk out
 * of its last admin.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session, expectError } from './support/harness';

let h: Harness;
let agent: Session;
let admin: Session;

beforeAll(async () => {
  // Logins are what this file does; the per-address limit is tested elsewhere.
  h = await startHarness({ env: { RATE_LIMIT_LOGIN: '1000' } });
  agent = await h.login('agent');
  admin = await h.login('admin');
});
afterAll(() => h.close());

it('an admin renames, promotes, disables and re-enables an operator; disabling and a new password end their sessions', async () => {
  const email = `colleague-${randomUUID().slice(0, 8)}@helpdesk.test`;
  const created = (await h.request(admin, 'POST', '/api/operators', { email, name: 'Colleague', password: 'first-password-1', role: 'agent' })).json();
  const logIn = (password: string) => h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  const first = await logIn('first-password-1');
  expect(first.statusCode).toBe(200);
  const cookie = `hd_session=${first.cookies.find((c) => c.name === 'hd_session')!.value}`;
  const asColleague = () => h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  expect((await asColleague()).statusCode).toBe(200);

  expectError(await h.request(agent, 'PATCH', `/api/operators/${created.id}`, { role: 'admin' }), 403, 'forbidden');
  let changed = await h.request(admin, 'PATCH', `/api/operators/${created.id}`, { name: 'Colleague Renamed', role: 'admin' });
  expect(changed.json()).toEqual({ id: created.id, email, name: 'Colleague Renamed', role: 'admin', active: true, signature: null, available: false });
  expect((await asColleague()).statusCode).toBe(200);

  changed = await h.request(admin, 'PATCH', `/api/operators/${created.id}`, { active: false });
  expect(changed.json()).toMatchObject({ active: false });
  expectError(await asColleague(), 401, 'unauthorized');
  expectError(await logIn('first-password-1'), 401, 'unauthorized');

  await h.request(admin, 'PATCH', `/api/operators/${created.id}`, { active: true, password: 'second-password-2' });
  expectError(await logIn('first-password-1'), 401, 'unauthorized');
  const again = await logIn('second-password-2');
  expect(again.statusCode).toBe(200);
  const newCookie = `hd_session=${again.cookies.find((c) => c.name === 'hd_session')!.value}`;
  await h.request(admin, 'PATCH', `/api/operators/${created.id}`, { password: 'third-password-3' });
  expectError(await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: newCookie } }), 401, 'unauthorized');

  expectError(await h.request(admin, 'PATCH', '/api/operators/99999999', { active: false }), 404, 'not_found');
  expectError(await h.request(admin, 'PATCH', `/api/operators/${created.id}`, {}), 400);
});

it('the last active admin can be neither disabled nor made an agent', async () => {
  // Every other admin of the test database is disabled for a moment (the test files run
  // one after another on this machine), then re-enabled.
  const [others] = await h.db.sequelize.query(
    "UPDATE operators SET active = false WHERE role = 'admin' AND active AND id <> :id RETURNING id", { replacements: { id: admin.operator.id } },
  ) as [Array<{ id: number }>, unknown];
  try {
    expectError(await h.request(admin, 'PATCH', `/api/operators/${admin.operator.id}`, { role: 'agent' }), 409, 'last_admin');
    expectError(await h.request(admin, 'PATCH', `/api/operators/${admin.operator.id}`, { active: false }), 409, 'last_admin');
    expect((await h.request(admin, 'PATCH', `/api/operators/${admin.operator.id}`, { name: 'Still The Admin' })).statusCode).toBe(200);
  } finally {
    if (others.length) await h.db.sequelize.query('UPDATE operators SET active = true WHERE id IN (:ids)', { replacements: { ids: others.map((o) => o.id) } });
  }
});

it('an operator sets their own display name, signature and password: customers see the name and the signature; their other sessions end, this one stays', async () => {
  const me = await h.login('agent', 'Administrator');
  const elsewhere = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: me.operator.email, password: me.password }, remoteAddress: '10.99.0.1' });
  const otherCookie = `hd_session=${elsewhere.cookies.find((c) => c.name === 'hd_session')!.value}`;

  const renamed = await h.request(me, 'PATCH', '/api/me', { name: '  Olivia Support ', signature: 'Olivia\nACME customer care' });
  expect(renamed.statusCode).toBe(200);
  expect(renamed.json()).toMatchObject({ name: 'Olivia Support', signature: 'Olivia\nACME customer care' });
  expect((await h.request(me, 'PATCH', '/api/me', { name: '   ' })).statusCode).toBe(422);

  const email = `profile-${randomUUID().slice(0, 8)}@example.com`;
  const ticket = (await h.request(me, 'POST', '/api/tickets', { subject: 'Signed', body: 'Help', customer: { email } })).json();
  await h.request(me, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'A note for us.', visibility: 'internal' });
  await h.request(me, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'It is fixed.', visibility: 'public' });
  await h.smtp.waitFor(() => h.smtp.to(email).length === 1);
  expect(h.smtp.to(email)[0]!.parsed.text).toContain('It is fixed.\n\nOlivia\nACME customer care');
  expect(h.smtp.to(email)[0]!.parsed.text).toContain('Olivia Support, ticket #');
  const page = (await h.request(null, 'GET', `/api/public/tickets/${ticket.publicUrl.split('/t/')[1]}`)).json();
  expect(page.comments.at(-1)).toMatchObject({ body: 'It is fixed.\n\nOlivia\nACME customer care', author: { name: 'Olivia Support' } });
  const notes = (await h.request(me, 'GET', `/api/tickets/${ticket.number}`)).json().comments.filter((c: { visibility: string }) => c.visibility === 'internal');
  expect(notes.map((c: { body: string }) => c.body)).toEqual(['A note for us.']);

  const wrong = await h.request(me, 'POST', '/api/me/password', { currentPassword: 'not-it', newPassword: 'purple-otter-skates-home' });
  expectError(wrong, 422);
  expect(wrong.json().message).toMatch(/current password/);
  expectError(await h.request(me, 'POST', '/api/me/password', { currentPassword: me.password, newPassword: 'password123' }), 422);
  expect((await h.request(me, 'POST', '/api/me/password', { currentPassword: me.password, newPassword: 'purple-otter-skates-home' })).statusCode).toBe(204);
  expect((await h.request(me, 'GET', '/api/me')).statusCode).toBe(200);
  expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: otherCookie } })).statusCode).toBe(401);
  const login = (password: string) => h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: me.operator.email, password }, remoteAddress: '10.99.0.2' });
  expect((await login(me.password)).statusCode).toBe(401);
  expect((await login('purple-otter-skates-home')).statusCode).toBe(200);
});

it('an admin who sets their own password on the Operators screen stays logged in there', async () => {
  const self = await h.login('admin');
  const response = await h.request(self, 'PATCH', `/api/operators/${self.operator.id}`, { password: 'seven-lanterns-drift-north' });
  expect(response.statusCode).toBe(200);
  expect((await h.request(self, 'GET', '/api/me')).statusCode).toBe(200);
});
