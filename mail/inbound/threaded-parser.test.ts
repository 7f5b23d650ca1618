import { parseInbound, UnparseableEmail } from './parse';
import { threadedMailParser } from './threaded-parser';

const mail = Buffer.from([
  'From: Ann Lee <ann@example.com>', 'To: support@helpdesk.test', 'Subject: Printer', 'Message-ID: <t1@example.com>',
  'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'It smokes.', '--b',
  'Content-Type: image/png', 'Content-Disposition: attachment; filename=smoke.png', 'Content-Transfer-Encoding: base64', '',
  Buffer.from('not really a png').toString('base64'), '--b--', '',
].join('\r\n'));

describe('parsing mail in a worker thread', () => {
  it('reads a mail as the calling thread would, attachments as buffers', async () => {
    const parser = threadedMailParser({ timeoutMs: 30_000 });
    try {
      const [threaded, inline] = await Promise.all([parser.parse(mail), parseInbound(mail)]);
      expect(threaded).toEqual(inline);
      expect(Buffer.isBuffer(threaded.attachments[0]!.content)).toBe(true);
      expect(threaded.attachments[0]!.content.toString()).toBe('not really a png');
    } finally {
      await parser.close();
    }
  });

  it('gives up on a mail past its deadline as unparseable, and reads the next one in a new thread', async () => {
    let timeoutMs = 1;
    const parser = threadedMailParser({ get timeoutMs() { return timeoutMs; } });
    try {
      await expect(parser.parse(mail)).rejects.toBeInstanceOf(UnparseableEmail);
      await expect(parser.parse(mail)).rejects.toThrow(/took longer than/);
      timeoutMs = 30_000;
      expect((await parser.parse(mail)).visibleText).toBe('It smokes.');
    } finally {
      await parser.close();
    }
  });

  it('reads several mails at once, in order of their answers', async () => {
    const parser = threadedMailParser({ threads: 2, timeoutMs: 30_000 });
    try {
      const subjects = await Promise.all(Array.from({ length: 6 }, (_, i) =>
        parser.parse(Buffer.from(mail.toString().replace('Subject: Printer', `Subject: Printer ${i}`))).then((m) => m.subject)));
      expect(subjects).toEqual(Array.from({ length: 6 }, (_, i) => `Printer ${i}`));
    } finally {
      await parser.close();
    }
  });
});
