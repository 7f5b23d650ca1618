import { notificationKey } from '../domain/ticket';
import {
  mailboxAddress, messageIdDomain, notificationMessageId, replyAddress,
  threadMessageId, ticketFromMessageId, ticketFromReplyAddress,
} from './threading';

const secret = 'unit-test-secret-0123456789abcdef0123456789';

describe('signed threading', () => {
  it('reads the mailbox and domain out of MAIL_FROM', () => {
    expect(mailboxAddress('Helpdesk <support@Example.com>')).toBe('support@Example.com');
    expect(messageIdDomain('Helpdesk <support@Example.com>')).toBe('example.com');
    expect(messageIdDomain('support@help.example.org')).toBe('help.example.org');
  });

  it('finds the ticket in our own Message-IDs, thread root and notification alike', () => {
    const root = threadMessageId(1042, 'example.com', secret);
    const reply = notificationMessageId(notificationKey(1042, 7, 'public_reply', 'customer'), 'example.com', secret);
    expect(ticketFromMessageId(root, 'example.com', secret)).toBe(1042);
    expect(ticketFromMessageId(reply, 'example.com', secret)).toBe(1042);
  });

  it.each([
    ['a forged signature', (id: string) => id.replace(/\.([0-9a-f]{4})/, '.0000')],
    ['another ticket number with the same signature', (id: string) => id.replace('ticket-1042', 'ticket-1043')],
    ['another domain', (id: string) => id.replace('@example.com', '@evil.test')],
    ['someone else\'s Message-ID', () => '<CAF=abc@mail.gmail.com>'],
  ])('refuses %s', (_name, tamper) => {
    expect(ticketFromMessageId(tamper(threadMessageId(1042, 'example.com', secret)), 'example.com', secret)).toBeNull();
  });

  it('signs the plus-addressed reply address and checks it case-insensitively', () => {
    const address = replyAddress('support@example.com', 1042, secret);
    expect(address).toMatch(/^support\+t1042-[0-9a-f]{20}@example\.com$/);
    expect(ticketFromReplyAddress(address.toUpperCase(), 'support@example.com', secret)).toBe(1042);
    expect(ticketFromReplyAddress(address.replace('t1042', 't1043'), 'support@example.com', secret)).toBeNull();
    expect(ticketFromReplyAddress(address.replace('support+', 'sales+'), 'support@example.com', secret)).toBeNull();
    expect(ticketFromReplyAddress('support+t1042-00000000000000000000@example.com', 'support@example.com', secret)).toBeNull();
    expect(ticketFromReplyAddress(replyAddress('support@example.com', 1042, 'another-secret-0123456789abcdef012345'), 'support@example.com', secret)).toBeNull();
  });
});
