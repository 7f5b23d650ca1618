import { Type } from 'typebox';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import type { Client } from '@temporalio/client';
import type { App } from '../types';
import type { Database } from '../../db';
import type { Config } from '../../config';
import { ErrorBody, conflict, notFound, unprocessable } from '../errors';
import { CreateMailboxBody, IdParams, MailboxView, PatchMailboxBody } from '../schemas';
import { parseImapUrl } from '../../email/imap';
import { seal, open } from '../../security/secret-box';
import { isValidEmail } from '../../domain/ticket';
import { mailboxAddress } from '../../mail/threading';
import { startMailboxWorkflows } from '../../worker';
import { mailboxWorkflowId } from '../../workflows/mailbox/definitions';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody };

interface MailboxRow { id: number; name: string; address: string; imap_sealed: string; active: boolean }

/** Without the password: a mailbox's credentials go in, never out. */
function view(row: { id: number | null; name: string; address: string; imapUrl: string; active: boolean; source: 'environment' | 'database' }): MailboxView {
  const imap = parseImapUrl(row.imapUrl);
  return {
    id: row.id, name: row.name, address: row.address, active: row.active, source: row.source,
    imap: { host: imap.host, port: imap.port, secure: imap.secure, user: imap.user, folder: imap.folder },
  };
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

  const rows = () => db.sequelize.query<MailboxRow>('SELECT id, name, address, imap_sealed, active FROM mailboxes ORDER BY id', { type: QueryTypes.SELECT });
  const stored = (row: MailboxRow) => view({ ...row, imapUrl: open(config.SECRET_KEY, row.imap_sealed), source: 'database' });

  app.get('/api/mailboxes', {
    schema: { tags: ['email'], summary: 'The helpdesk mailboxes, without their passwords', response: { 200: Type.Array(MailboxView), ...errors } },
  }, async () => [
    ...(config.IMAP_URL ? [view({
      id: null, name: 'default', address: config.MAILBOX_ADDRESS ?? mailboxAddress(config.MAIL_FROM), imapUrl: config.IMAP_URL, active: true, source: 'environment',
    })] : []),
    ...(await rows()).map(stored),
  ]);

  app.post('/api/mailboxes', {
    schema: { tags: ['email'], summary: 'Add a mailbox; its mail is taken at once', body: CreateMailboxBody, response: { 201: MailboxView, ...errors } },
  }, async (request, reply) => {
    const { name, address, imapUrl } = request.body;
    if (name === 'default') throw unprocessable('"default" is the mailbox of IMAP_URL; choose another name.');
    if (!isValidEmail(address)) throw unprocessable(`"${address}" is not a valid email address.`);
    try {
      const [row] = await db.sequelize.query<MailboxRow>(
        `INSERT INTO mailboxes (name, address, imap_sealed) VALUES (:name, :address, :sealed) RETURNING id, name, address, imap_sealed, active`,
        { type: QueryTypes.SELECT, replacements: { name, address, sealed: seal(config.SECRET_KEY, checkedImapUrl(imapUrl)) } },
      );
      await startMailboxWorkflows(temporal, config.TEMPORAL_TASK_QUEUE, [name]);
      return reply.code(201).send(stored(row!));
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw conflict('mailbox_exists', `A mailbox named ${name} or with the address ${address} exists already.`);
      throw error;
    }
  });

  app.patch('/api/mailboxes/:id', {
    schema: { tags: ['email'], summary: 'Change a mailbox\'s address or credentials, or switch it off and on', params: IdParams, body: PatchMailboxBody, response: { 200: MailboxView, ...errors } },
  }, async (request) => {
    const { address, imapUrl, active } = request.body;
    if (address !== undefined && !isValidEmail(address)) throw unprocessable(`"${address}" is not a valid email address.`);
    const [row] = await db.sequelize.query<MailboxRow>(
      `UPDATE mailboxes SET address = coalesce(:address, address), imap_sealed = coalesce(:sealed, imap_sealed),
         active = coalesce(:active, active), updated_at = now()
       WHERE id = :id RETURNING id, name, address, imap_sealed, active`,
      {
        type: QueryTypes.SELECT,
        replacements: {
          id: request.params.id, address: address ?? null, active: active ?? null,
          sealed: imapUrl === undefined ? null : seal(config.SECRET_KEY, checkedImapUrl(imapUrl)),
        },
      },
    ).catch((error) => {
      if (error instanceof UniqueConstraintError) throw conflict('mailbox_exists', `Another mailbox has the address ${address}.`);
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
