import { mailServerUrl } from './mail-server';
import { parseImapUrl } from '../mail/inbound/imap';

describe('mailServerUrl', () => {
  it('keeps any character of a user, password and folder, as the IMAP settings read them back', () => {
    const url = mailServerUrl({ protocol: 'imaps', host: 'imap.example.com', port: 993, user: 'help@example.com', password: 'p@ss:w/rd%?#', folder: 'Support/Inbox' });
    expect(parseImapUrl(url)).toEqual({ host: 'imap.example.com', port: 993, secure: true, user: 'help@example.com', password: 'p@ss:w/rd%?#', folder: 'Support/Inbox' });
  });

  it('leaves out a port of null (the protocol\'s own) and a folder for SMTP', () => {
    expect(mailServerUrl({ protocol: 'smtps', host: ' smtp.example.com ', port: null, user: 'u', password: 'p' })).toBe('smtps://u:p@smtp.example.com');
    expect(parseImapUrl(mailServerUrl({ protocol: 'imap', host: 'h', port: null, user: 'u', password: 'p' }))).toMatchObject({ port: 143, secure: false, folder: 'INBOX' });
  });
});
