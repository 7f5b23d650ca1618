/** How a mail server is reached, as the admin UI's form asks for it. */
export interface MailServerLogin {
  protocol: 'imap' | 'imaps' | 'smtp' | 'smtps';
  host: string;
  /** Null: the protocol's usual port. */
  port: number | null;
  user: string;
  password: string;
  /** IMAP only: the folder the helpdesk's mail arrives in. */
  folder?: string;
}

/**
 * The URL IMAP_URL, SMTP_URL and the mailbox API take (imaps://user:password@host:993/INBOX):
 * user and password are URL-encoded, so any character may be in them.
 */
export function mailServerUrl(server: MailServerLogin): string {
  const login = `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@`;
  const port = server.port ? `:${server.port}` : '';
  const folder = server.folder ? `/${encodeURIComponent(server.folder)}` : '';
  return `${server.protocol}://${login}${server.host.trim()}${port}${folder}`;
}
