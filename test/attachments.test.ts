/**
 * Files with messages both ways: an operator's reply takes them to the customer's mail and
 * page, an internal note's stay with operators whatever a customer tries, and a customer's
 * answer through the link brings theirs; the limits are the settings'.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session, expectError } from './support/harness';

let h: Harness;
let olivia: Session;

beforeAll(async () => {
  h = await startHarness({ env: { REPLY_MAX_ATTACHMENTS: '2', REPLY_MAX_ATTACHMENT_SIZE: '4096' } });
  olivia = await h.login('agent', 'Olivia Operator');
});
afterAll(() => h.close());

const file = (filename: string, text: string, contentType = 'text/plain') => ({ filename, contentType, content: Buffer.from(text).toString('base64') });
interface Attachment { id: string; filename: string; size: number; stored: boolean }
interface Comment { body: string; visibility: string; attachments: Attachment[] }

async function openTicket() {
  const email = `files-${randomUUID().slice(0, 8)}@example.com`;
  const response = await h.request(olivia, 'POST', '/api/tickets', { subject: 'Need the manual', body: 'Where is the manual?', customer: { email } });
  const ticket = response.json() as { number: number; publicUrl: string };
  return { ...ticket, email, token: ticket.publicUrl.split('/t/')[1]! };
}
const publicView = async (token: string) => (await h.request(null, 'GET', `/api/public/tickets/${token}`)).json() as { comments: Comment[] };

describe('Files with replies and notes', () => {
  it("go with a public reply to the customer's mail and page, and stay with operators in a note", async () => {
    const ticket = await openTicket();
    const key = randomUUID();
    const send = () => h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, {
      body: 'Here is the manual and a checklist.', visibility: 'public',
      attachments: [file('manual.txt', 'Step 1: plug it in.'), file('checklist.csv', 'a,b\n1,2\n', 'text/csv')],
    }, { 'idempotency-key': key });
    const sent = await send();
    expect(sent.statusCode).toBe(201);
    expect((sent.json() as { comment: Comment }).comment.attachments.map((a) => [a.filename, a.size])).toEqual([['manual.txt', 19], ['checklist.csv', 8]]);
    // A retry of the same send stores nothing twice.
    expect((await send()).statusCode).toBe(201);

    await h.smtp.waitFor(() => h.smtp.to(ticket.email).some((m) => m.parsed.text?.includes('Here is the manual')));
    const mail = h.smtp.to(ticket.email).filter((m) => m.parsed.text?.includes('Here is the manual'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['manual.txt', 'Step 1: plug it in.'], ['checklist.csv', 'a,b\n1,2\n']]);

    const onPage = (await publicView(ticket.token)).comments.find((c) => c.body.startsWith('Here is the manual'))!;
    expect(onPage.attachments.map((a) => a.filename)).toEqual(['manual.txt', 'checklist.csv']);
    const download = await h.request(null, 'GET', `/api/public/tickets/${ticket.token}/attachments/${onPage.attachments[0]!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('Step 1: plug it in.');

    // A note's file: operators only.
    const noted = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, {
      body: 'Internal price list attached.', visibility: 'internal', attachments: [file('prices.txt', 'cost: 3 EUR')],
    });
    const secret = (noted.json() as { comment: Comment }).comment.attachments[0]!;
    expect((await h.request(olivia, 'GET', `/api/attachments/${secret.id}`)).body).toBe('cost: 3 EUR');
    expectError(await h.request(null, 'GET', `/api/public/tickets/${ticket.token}/attachments/${secret.id}`), 404);
    expect(JSON.stringify(await publicView(ticket.token))).not.toContain('prices.txt');
    expect(h.smtp.to(ticket.email).some((m) => m.parsed.attachments.some((a) => a.filename === 'prices.txt'))).toBe(false);
  });

  it('holds an operator to the settings: how many, how large, nothing empty', async () => {
    const ticket = await openTicket();
    const post = (attachments: unknown[]) => h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Files', visibility: 'internal', attachments });
    expectError(await post([file('a.txt', 'a'), file('b.txt', 'b'), file('c.txt', 'c')]), 422);
    expectError(await post([file('big.bin', 'x'.repeat(4097))]), 422);
    expectError(await post([{ filename: 'empty.txt', contentType: 'text/plain', content: '' }]), 422);
    expect((await post([file('ok.txt', 'x'.repeat(4096))])).statusCode).toBe(201);
  });
});

describe("Files with an operator's new ticket", () => {
  it('a message to the customer mails its files; a note\'s stay with operators', async () => {
    const email = `new-${randomUUID().slice(0, 8)}@example.com`;
    const sent = await h.request(olivia, 'POST', '/api/tickets', {
      subject: 'Your quote', body: 'Please find the quote attached.', firstMessage: 'message_to_customer', customer: { email },
      attachments: [file('quote.txt', 'Total: 100 EUR')],
    });
    expect(sent.statusCode).toBe(201);
    const ticket = sent.json() as { number: number; publicUrl: string; comments: Comment[] };
    expect(ticket.comments[0]!.attachments.map((a) => a.filename)).toEqual(['quote.txt']);
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('Please find the quote')));
    expect(h.smtp.to(email).find((m) => m.parsed.text?.includes('Please find the quote'))!.parsed.attachments.map((a) => a.content.toString())).toEqual(['Total: 100 EUR']);
    expect((await publicView(ticket.publicUrl.split('/t/')[1]!)).comments[0]!.attachments).toHaveLength(1);

    const noted = await h.request(olivia, 'POST', '/api/tickets', {
      subject: 'Call notes', body: 'Notes of the call attached.', firstMessage: 'internal_note', customer: { email },
      attachments: [file('call.txt', 'private')],
    });
    const note = noted.json() as { publicUrl: string; comments: Comment[] };
    const id = note.comments[0]!.attachments[0]!.id;
    expectError(await h.request(null, 'GET', `/api/public/tickets/${note.publicUrl.split('/t/')[1]}/attachments/${id}`), 404);
    expectError(await h.request(olivia, 'POST', '/api/tickets', {
      subject: 'Too many', body: 'x', customer: { email }, attachments: [file('a.txt', 'a'), file('b.txt', 'b'), file('c.txt', 'c')],
    }), 422);
  });
});

describe("Files with a customer's answer", () => {
  it('come through the link, show to the operator and on the page, within the customer limits', async () => {
    const ticket = await openTicket();
    const answered = await h.request(null, 'POST', `/api/public/tickets/${ticket.token}/comments`, {
      body: 'Here is a photo of the error.', attachments: [file('error.png', 'not really a png', 'image/png')],
    });
    expect(answered.statusCode).toBe(201);
    const detail = (await h.request(olivia, 'GET', `/api/tickets/${ticket.number}`)).json() as { comments: Comment[] };
    const answer = detail.comments.find((c) => c.body === 'Here is a photo of the error.')!;
    expect(answer.attachments.map((a) => [a.filename, a.stored])).toEqual([['error.png', true]]);
    expect((await h.request(olivia, 'GET', `/api/attachments/${answer.attachments[0]!.id}`)).body).toBe('not really a png');
    expect((await publicView(ticket.token)).comments.find((c) => c.body === 'Here is a photo of the error.')!.attachments).toHaveLength(1);
    expectError(await h.request(null, 'POST', `/api/public/tickets/${ticket.token}/comments`, {
      body: 'Four files', attachments: [1, 2, 3, 4].map((n) => file(`${n}.txt`, 'x')),
    }), 400);
  });
});
