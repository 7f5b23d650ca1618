/**
 * The helpdesk mailboxes added through the API. Their server URLs (with passwords) are
 * stored sealed under SECRET_KEY (security/secret-box.ts); this module never opens them.
 */
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import type { Database } from './index';

export interface MailboxRow { id: number; name: string; address: string; imap_sealed: string; smtp_sealed: string | null; active: boolean }
const COLUMNS = 'id, name, address, imap_sealed, smtp_sealed, active';

/** Another mailbox has that name or address. */
export class MailboxExists extends Error {}

const refusingDuplicates = (error: unknown): never => {
  if (error instanceof UniqueConstraintError) throw new MailboxExists('a mailbox with that name or address exists already');
  throw error;
};

export function createMailboxStore(db: Database) {
  const { sequelize } = db;
  return {
    all: () => sequelize.query<MailboxRow>(`SELECT ${COLUMNS} FROM mailboxes ORDER BY id`, { type: QueryTypes.SELECT }),

    /** The names of those switched on, for their watcher workflows. */
    async activeNames(): Promise<string[]> {
      const rows = await sequelize.query<{ name: string }>('SELECT name FROM mailboxes WHERE active ORDER BY id', { type: QueryTypes.SELECT });
      return rows.map((r) => r.name);
    },

    /** A switched-on mailbox by name, or null (gone, or switched off). */
    async active(name: string): Promise<MailboxRow | null> {
      const [row] = await sequelize.query<MailboxRow>(`SELECT ${COLUMNS} FROM mailboxes WHERE name = :name AND active`, { type: QueryTypes.SELECT, replacements: { name } });
      return row ?? null;
    },

    async add(mailbox: { name: string; address: string; imapSealed: string; smtpSealed: string | null }): Promise<MailboxRow> {
      const [row] = await sequelize.query<MailboxRow>(
        `INSERT INTO mailboxes (name, address, imap_sealed, smtp_sealed) VALUES (:name, :address, :imapSealed, :smtpSealed) RETURNING ${COLUMNS}`,
        { type: QueryTypes.SELECT, replacements: mailbox },
      ).catch(refusingDuplicates);
      return row!;
    },

    /**
     * Changes what is given; `smtpSealed: null` switches back to the default outgoing
     * server, undefined leaves it. Null when there is no such mailbox.
     */
    async change(id: number, changes: { address?: string; imapSealed?: string; smtpSealed?: string | null; active?: boolean }): Promise<MailboxRow | null> {
      const [row] = await sequelize.query<MailboxRow>(
        `UPDATE mailboxes SET address = coalesce(:address, address), imap_sealed = coalesce(:imapSealed, imap_sealed),
           smtp_sealed = CASE WHEN :smtpGiven THEN :smtpSealed ELSE smtp_sealed END,
           active = coalesce(:active, active), updated_at = now()
         WHERE id = :id RETURNING ${COLUMNS}`,
        {
          type: QueryTypes.SELECT,
          replacements: {
            id, address: changes.address ?? null, imapSealed: changes.imapSealed ?? null, active: changes.active ?? null,
            smtpGiven: changes.smtpSealed !== undefined, smtpSealed: changes.smtpSealed ?? null,
          },
        },
      ).catch(refusingDuplicates);
      return row ?? null;
    },
  };
}

/** How far each mailbox's folder has been taken: its UIDVALIDITY and the last UID done. */
export function createMailboxCheckpoints(db: Database) {
  const { sequelize } = db;
  return {
    async read(mailbox: string): Promise<{ uidValidity: number; lastUid: number } | null> {
      const [row] = await sequelize.query<{ uid_validity: string; last_uid: string }>(
        'SELECT uid_validity, last_uid FROM mailbox_checkpoints WHERE mailbox = :mailbox',
        { type: QueryTypes.SELECT, replacements: { mailbox } },
      );
      return row ? { uidValidity: Number(row.uid_validity), lastUid: Number(row.last_uid) } : null;
    },

    async save(mailbox: string, uidValidity: number, lastUid: number): Promise<void> {
      await sequelize.query(
        `INSERT INTO mailbox_checkpoints (mailbox, uid_validity, last_uid, updated_at) VALUES (:mailbox, :uidValidity, :lastUid, now())
         ON CONFLICT (mailbox) DO UPDATE SET uid_validity = EXCLUDED.uid_validity, last_uid = EXCLUDED.last_uid, updated_at = now()`,
        { replacements: { mailbox, uidValidity, lastUid } },
      );
    },
  };
}

export type MailboxCheckpoints = ReturnType<typeof createMailboxCheckpoints>;
