import { createRenderer } from './render';

const render = createRenderer();
const data = {
  number: 1042,
  subject: 'Printer <script>alert(1)</script>',
  status: 'In Progress',
  name: 'Ann',
  body: 'Try <img src=x onerror=alert(1)>',
  author: 'Olivia',
  ticket_url: 'https://help.example.com/t/abc',
  admin_url: 'https://help.example.com/admin/tickets/1042',
};

describe('notification templates', () => {
  it.each(['ticket_created', 'outbound_message', 'public_reply', 'ticket_closed'] as const)('%s carries {{ticket_url}} in text and HTML and the [#number] subject', (kind) => {
    const mail = render(kind, data);
    expect(mail.subject).toBe('[#1042] Printer <script>alert(1)</script>');
    expect(mail.text).toContain('https://help.example.com/t/abc');
    expect(mail.html).toContain('href="https://help.example.com/t/abc"');
  });

  it('escapes what the customer typed in the HTML part', () => {
    const mail = render('public_reply', data);
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('Try &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('keeps the plain-text part as typed', () => {
    expect(render('public_reply', data).text).toContain('Try <img src=x onerror=alert(1)>');
  });

  it('points the operator at the admin view, not the public link', () => {
    const mail = render('customer_replied', data);
    expect(mail.html).toContain('href="https://help.example.com/admin/tickets/1042"');
  });

  it('the acknowledgement quotes nothing a stranger wrote but the subject, cut', () => {
    const long = { ...data, subject: `Buy cheap pills at spam.example ${'now '.repeat(40)}`, body: 'Visit https://spam.example for pills' };
    const mail = render('ticket_created', long);
    expect(mail.subject.length).toBeLessThanOrEqual('[#1042] '.length + 80);
    expect(mail.subject.endsWith('…')).toBe(true);
    for (const part of [mail.text, mail.html]) {
      expect(part).not.toContain('https://spam.example');
      expect(part).not.toContain('now now now now now now now now now now now now now now now now now now now');
    }
  });

  it("an operator's first message to the customer is the operator's words, not an acknowledgement", () => {
    const mail = render('outbound_message', { ...data, body: 'Hello Ann, about your order 77: it ships Monday.' });
    expect(mail.text).toContain('about your order 77: it ships Monday.');
    expect(mail.text).not.toMatch(/received/i);
    expect(mail.text).toContain('Olivia');
  });
});
