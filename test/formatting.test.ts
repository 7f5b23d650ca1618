/**
 * Replies in a small Markdown: the customer's mail carries it as HTML and as readable text,
 * the public page and the admin UI show it formatted, and nothing but the allowed markup
 * gets through. Customers' messages stay the text they wrote.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session } from './support/harness';

let h: Harness;
let olivia: Session;

beforeAll(async () => {
  h = await startHarness();
  olivia = await h.login('agent', 'Olivia Operator');
  // The signature is Markdown too.
  await h.request(olivia, 'PATCH', '/api/me', { signature: '_Olivia, Support_' });
});
afterAll(() => h.close());

describe('Formatted replies', () => {
  it('goes out as HTML and readable text, shows formatted on the public page, and keeps customers\' words as text', async () => {
    const email = `md-${randomUUID().slice(0, 8)}@example.com`;
    const created = await h.request(olivia, 'POST', '/api/tickets', { subject: 'App crashes', body: 'It **crashes** on start.', customer: { email } });
    const ticket = created.json() as { number: number; publicUrl: string };
    const reply = 'Hello,\n\n**Please** try:\n\n- update the app\n- see [the guide](https://example.com/guide)\n\n> It crashes on start.\n\n<img src=x onerror=alert(1)>';
    expect((await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: reply, visibility: 'public' })).statusCode).toBe(201);

    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('update the app')));
    const mail = h.smtp.to(email).find((m) => m.parsed.text?.includes('update the app'))!;
    const html = String(mail.parsed.html);
    expect(html).toContain('<strong>Please</strong>');
    expect(html).toContain('<a href="https://example.com/guide" rel="noopener noreferrer nofollow" target="_blank">the guide</a>');
    expect(html).toContain('<em>Olivia, Support</em>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.parsed.text).toContain('Please try:');
    expect(mail.parsed.text).toContain(' * see the guide [https://example.com/guide]');
    expect(mail.parsed.text).not.toContain('**');

    const page = (await h.request(null, 'GET', `/api/public/tickets/${ticket.publicUrl.split('/t/')[1]}`)).json() as { comments: Array<{ body: string; bodyHtml: string | null; author: { kind: string } }> };
    const [first, answer] = page.comments;
    // The operator typed the customer's request as it was told: the customer's words, not Markdown.
    expect(first).toMatchObject({ body: 'It **crashes** on start.', bodyHtml: null });
    expect(answer!.bodyHtml).toContain('<li>update the app</li>');
    expect(answer!.body).toBe(`${reply}\n\n_Olivia, Support_`);

    const preview = await h.request(olivia, 'POST', '/api/formatting/preview', { body: '**bold** [x](javascript:alert(1))' });
    expect(preview.json()).toEqual({ html: '<p><strong>bold</strong> [x](javascript:alert(1))</p>' });
  });
});
