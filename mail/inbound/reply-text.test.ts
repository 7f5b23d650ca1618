import { visibleReply } from './reply-text';

const reply = 'Thanks, the printer works again.\n\nAnn';

describe('the reply a customer wrote, without the history their mail client quoted', () => {
  it.each([
    ['Gmail', `${reply}\n\nOn Tue, Jan 6, 2026 at 9:00 AM Helpdesk <support@helpdesk.test> wrote:\n> We have received your request.\n> Helpdesk`],
    ['Gmail, attribution wrapped by the client', `${reply}\n\nOn Tue, Jan 6, 2026 at 9:00 AM Helpdesk Support Team of Example\n<support@helpdesk.test> wrote:\n\n> We have received your request.`],
    ['Apple Mail', `${reply}\n\n> On 6 Jan 2026, at 09:00, Helpdesk <support@helpdesk.test> wrote:\n> \n> We have received your request.`],
    ['Outlook', `${reply}\n\n________________________________\nFrom: Helpdesk <support@helpdesk.test>\nSent: Tuesday, January 6, 2026 9:00 AM\nTo: Ann <ann@example.com>\nSubject: [#1042] Printer\n\nWe have received your request.`],
    ['Outlook without the line', `${reply}\n\nFrom: Helpdesk [mailto:support@helpdesk.test]\nSent: Tuesday, January 6, 2026 9:00 AM\nSubject: [#1042] Printer\n\nWe have received your request.`],
    ['Outlook in German', `${reply}\n\nVon: Helpdesk <support@helpdesk.test>\nGesendet: Dienstag, 6. Januar 2026 09:00\nAn: Ann\nBetreff: [#1042] Drucker`],
    ['"Original Message" separator', `${reply}\n\n-----Original Message-----\nFrom: Helpdesk\nWe have received your request.`],
    ['Thunderbird in German', `${reply}\n\nAm 06.01.26 um 09:00 schrieb Helpdesk:\n> Wir haben Ihre Anfrage erhalten.`],
    ['French', `${reply}\n\nLe mar. 6 janv. 2026 à 09:00, Helpdesk <support@helpdesk.test> a écrit :\n> Nous avons bien reçu votre demande.`],
    ['Spanish', `${reply}\n\nEl mar, 6 ene 2026 a las 9:00, Helpdesk (<support@helpdesk.test>) escribió:\n> Hemos recibido su solicitud.`],
    ['Polish', `${reply}\n\nW dniu 6.01.2026 o 09:00 Helpdesk <support@helpdesk.test> pisze:\n> Otrzymaliśmy zgłoszenie.`],
    ['Chinese', `${reply}\n\n在 2026年1月6日 09:00，Helpdesk <support@helpdesk.test> 写道：\n> 我们已收到您的请求。`],
    ['quoted lines without an attribution', `${reply}\n\n> We have received your request.\n> Helpdesk\n`],
    ['a signature after "-- "', `${reply}\n-- \nAnn Example\nHead of Printing, Example Ltd\n+1 555 0100`],
    ['a phone\'s signature', `${reply}\n\nSent from my iPhone`],
    ['a German phone\'s signature and history', `${reply}\n\nVon meinem iPhone gesendet\n\nAm 06.01.2026 um 09:00 schrieb Helpdesk <support@helpdesk.test>:\n> Wir haben Ihre Anfrage erhalten.`],
  ])('%s', (_client, text) => {
    expect(visibleReply(text)).toBe(reply);
  });

  it('keeps answers written between quoted lines', () => {
    const text = '> Which model is it?\nThe LaserJet 4.\n> Since when?\nSince Monday.';
    expect(visibleReply(text)).toBe(text);
  });

  it('keeps a sentence of the customer that ends like an attribution', () => {
    const text = 'This is what my colleague wrote:\nthe printer is on fire.';
    expect(visibleReply(text)).toBe(text);
  });

  it('keeps a long text after "--" that is no signature', () => {
    const text = `Steps:\n--\n${Array.from({ length: 30 }, (_, i) => `step ${i}`).join('\n')}`;
    expect(visibleReply(text)).toBe(text);
  });

  it('shows a mail that is only a forward whole', () => {
    const text = '-----Original Message-----\nFrom: Bob\nPlease look at this.';
    expect(visibleReply(text)).toBe(text);
  });

  it('reads the line that froze email-reply-parser, and a megabyte of it, in one pass', () => {
    // email-reply-parser's /^(.+\son.*at.*wrote:)$/m took 12 s over 12 KB of this.
    for (const text of [`x${' on at'.repeat(2_000)}`, `x${' on at'.repeat(170_000)}`, `On ${'a '.repeat(100_000)}\n${'at wrote '.repeat(50_000)}`]) {
      const started = performance.now();
      expect(visibleReply(text)).toBe(text.trim());
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});
