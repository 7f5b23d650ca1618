import { Type } from 'typebox';
import type { Client } from '@temporalio/client';
import type { App } from '../types';
import type { Database } from '../../db';
import { createMailboxStore, MailboxExists, MailboxRow } from '../../db/mailboxes';
import type { Config } from '../../config';
import { ErrorBody, conflict, notFound, unprocessable } from '../errors';
import { CreateMailboxBody, IdParams, MailboxView, PatchMailboxBody } from '../schemas';
import { parseImapUrl } from '../../mail/inbound/imap';
import { seal, open } from '../../security/secret-box';
import { isValidEmail } from '../../domain/ticket';
import { mailboxAddress } from '../../mail/threading';
import { startMailboxWorkflows } from '../../workflows/mailbox/client';
import { mailboxWorkflowId } from '../../workflows/mailbox/definitions';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody };

/** Without the passwords: a mailbox's credentials go in, never out. */
function view(row: { id: number | null; name: string; address: string; imapUrl: string; smtpUrl: string | null; active: boolean; source: 'environment' | 'database' }): MailboxView {
  const imap = parseImapUrl(row.imapUrl);
  const smtp = row.smtpUrl ? new URL(row.smtpUrl) : null;
  return {
    id: row.id, name: row.name, address: row.address, active: row.active, source: row.source,
    imap: { host: imap.host, port: imap.port, secure: imap.secure, user: imap.user, folder: imap.folder },
    smtp: smtp && {
      host: smtp.hostname,
      port: smtp.port ? Number(smtp.port) : smtp.protocol === 'smtps:' ? 465 : 587,
      secure: smtp.protocol === 'smtps:',
      user: decodeURIComponent(smtp.username),
    },
  };
}

function checkedSmtpUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw unprocessable('smtpUrl must be a URL like smtps://user:password@smtp.example.com:465.');
  }
  if (!/^smtps?:$/.test(parsed.protocol) || !parsed.hostname) throw unprocessable('smtpUrl must be smtp:// or smtps:// with a host.');
  return raw;
}

function checkedImapUrl(raw: string): string {
  let imap;
  try {
    imap = parseImapUrl(raw);
  } catch {
    throw unprocessable('imapUrl must be a URL like imaps://user:password@imap.example.com:993/INBOX.');
  }
  if (!/^imaps?:$/.test(new URL(raw).protocol) || !imap.host || !imap.user) {
    throw unprocessable('imapUrl must be imap:// or imaps:// with a user, e.g. imaps://user:password@imap.example.com:993/INBOX.');
  }
  return raw;
}

/** Helpdesk mailboxes (admins only): the one from IMAP_URL, read-only, and any added here. */
export default async function mailboxRoutes(app: App, { db, config, temporal }: { db: Database; config: Config & { SECRET_KEY: string }; temporal: Client }) {
  app.addHook('preHandler', app.requireOperator);
  app.addHook('preHandler', app.requireAdmin);

  const store = createMailboxStore(db);
  const stored = (row: MailboxRow) => view({
    ...row,
    imapUrl: open(config.SECRET_KEY, row.imap_sealed),
    smtpUrl: row.smtp_sealed ? open(config.SECRET_KEY, row.smtp_sealed) : null,
    source: 'database',
  });

  app.get('/api/mailboxes', {
    schema: { tags: ['email'], summary: 'The helpdesk mailboxes, without their passwords', response: { 200: Type.Array(MailboxView), ...errors } },
  }, async () => [
    ...(config.IMAP_URL ? [view({
      id: null, name: 'default', address: config.MAILBOX_ADDRESS ?? mailboxAddress(config.MAIL_FROM), imapUrl: config.IMAP_URL,
      smtpUrl: config.SMTP_URL, active: true, source: 'environment',
    })] : []),
    ...(await store.all()).map(stored),
  ]);

  app.post('/api/mailboxes', {
    schema: { tags: ['email'], summary: 'Add a mailbox; its mail is taken at once', body: CreateMailboxBody, response: { 201: MailboxView, ...errors } },
  }, async (request, reply) => {
    const { name, address, imapUrl, smtpUrl } = request.body;
    if (name === 'default') throw unprocessable('"default" is the mailbox of IMAP_URL; choose another name.');
    if (!isValidEmail(address)) throw unprocessable(`"${address}" is not a valid email address.`);
    const imapSealed = seal(config.SECRET_KEY, checkedImapUrl(imapUrl));
    const smtpSealed = smtpUrl ? seal(config.SECRET_KEY, checkedSmtpUrl(smtpUrl)) : null;
    const row = await store.add({ name, address, imapSealed, smtpSealed }).catch((error) => {
      if (error instanceof MailboxExists) throw conflict('mailbox_exists', `A mailbox named ${name} or with the address ${address} exists already.`);
      throw error;
    });
    await startMailboxWorkflows(temporal, config.TEMPORAL_TASK_QUEUE, [name]);
    return reply.code(201).send(stored(row));
  });

  app.patch('/api/mailboxes/:id', {
    schema: { tags: ['email'], summary: 'Change a mailbox\'s address or credentials, or switch it off and on', params: IdParams, body: PatchMailboxBody, response: { 200: MailboxView, ...errors } },
  }, async (request) => {
    const { address, imapUrl, smtpUrl, active } = request.body;
    if (address !== undefined && !isValidEmail(address)) throw unprocessable(`"${address}" is not a valid email address.`);
    const row = await store.change(request.params.id, {
      ...(address !== undefined ? { address } : {}),
      ...(active !== undefined ? { active } : {}),
      ...(imapUrl !== undefined ? { imapSealed: seal(config.SECRET_KEY, checkedImapUrl(imapUrl)) } : {}),
      // smtpUrl: null switches back to the default outgoing server.
      ...(smtpUrl !== undefined ? { smtpSealed: smtpUrl ? seal(config.SECRET_KEY, checkedSmtpUrl(smtpUrl)) : null } : {}),
    }).catch((error) => {
      if (error instanceof MailboxExists) throw conflict('mailbox_exists', `Another mailbox has the address ${address}.`);
      throw error;
    });
    if (!row) throw notFound(`Mailbox ${request.params.id} does not exist.`);
    const handle = temporal.workflow.getHandle(mailboxWorkflowId(row.name));
    // New settings take effect on a fresh watcher; a switched-off mailbox stops now.
    await handle.terminate(row.active ? 'mailbox settings changed' : 'mailbox switched off').catch(() => undefined);
    if (row.active) await startMailboxWorkflows(temporal, config.TEMPORAL_TASK_QUEUE, [row.name]);
    return stored(row);
  });
}
