import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface, Sequelize } from 'sequelize';
import * as initialSchema from './migrations/0001-initial-schema';
import * as inboundEmail from './migrations/0002-inbound-email';
import * as notificationRecipients from './migrations/0003-notification-recipients';
import * as emailAttachments from './migrations/0004-email-attachments';
import * as bouncedAddresses from './migrations/0005-bounced-addresses';
import * as ticketCreateKeys from './migrations/0006-ticket-create-keys';
import * as mailboxes from './migrations/0007-mailboxes';
import * as mailboxOutgoing from './migrations/0008-mailbox-outgoing';
import * as priorityOrderIndex from './migrations/0009-priority-order-index';
import * as ticketExternalIdIndex from './migrations/0010-ticket-external-id-index';
import * as attachments from './migrations/0011-attachments';
import * as rateLimits from './migrations/0012-rate-limits';
import * as mailIdentity from './migrations/0013-mail-identity';
import * as createKeyDigest from './migrations/0014-create-key-digest';
import * as contactEmailVerified from './migrations/0015-contact-email-verified';
import * as failedNotifications from './migrations/0016-failed-notifications';
import * as operatorSignature from './migrations/0017-operator-signature';
import * as inboundDuplicates from './migrations/0018-inbound-duplicates';
import * as waitingClocks from './migrations/0019-waiting-clocks';
import * as sla from './migrations/0020-sla';
import * as cannedReplies from './migrations/0021-canned-replies';
import * as ticketPresence from './migrations/0022-ticket-presence';
import * as operatorInbox from './migrations/0023-operator-inbox';
import * as commentHtml from './migrations/0024-comment-html';
import * as tagsAndReplies from './migrations/0025-tags-and-replies';
import * as savedViews from './migrations/0026-saved-views';
import * as customFields from './migrations/0027-custom-fields';
import * as mergeAndSplit from './migrations/0028-merge-and-split';
import * as teams from './migrations/0029-teams';
import * as mailOutbox from './migrations/0030-mail-outbox';

/** Listed here rather than globbed so they load the same under tsx, jest and a bundle. */
const MIGRATIONS = [
  { name: '0001-initial-schema', ...initialSchema },
  { name: '0002-inbound-email', ...inboundEmail },
  { name: '0003-notification-recipients', ...notificationRecipients },
  { name: '0004-email-attachments', ...emailAttachments },
  { name: '0005-bounced-addresses', ...bouncedAddresses },
  { name: '0006-ticket-create-keys', ...ticketCreateKeys },
  { name: '0007-mailboxes', ...mailboxes },
  { name: '0008-mailbox-outgoing', ...mailboxOutgoing },
  { name: '0009-priority-order-index', ...priorityOrderIndex },
  { name: '0010-ticket-external-id-index', ...ticketExternalIdIndex },
  { name: '0011-attachments', ...attachments },
  { name: '0012-rate-limits', ...rateLimits },
  { name: '0013-mail-identity', ...mailIdentity },
  { name: '0014-create-key-digest', ...createKeyDigest },
  { name: '0015-contact-email-verified', ...contactEmailVerified },
  { name: '0016-failed-notifications', ...failedNotifications },
  { name: '0017-operator-signature', ...operatorSignature },
  { name: '0018-inbound-duplicates', ...inboundDuplicates },
  { name: '0019-waiting-clocks', ...waitingClocks },
  { name: '0020-sla', ...sla },
  { name: '0021-canned-replies', ...cannedReplies },
  { name: '0022-ticket-presence', ...ticketPresence },
  { name: '0023-operator-inbox', ...operatorInbox },
  { name: '0024-comment-html', ...commentHtml },
  { name: '0025-tags-and-replies', ...tagsAndReplies },
  { name: '0026-saved-views', ...savedViews },
  { name: '0027-custom-fields', ...customFields },
  { name: '0028-merge-and-split', ...mergeAndSplit },
  { name: '0029-teams', ...teams },
  { name: '0030-mail-outbox', ...mailOutbox },
];

export function migrator(sequelize: Sequelize) {
  return new Umzug<QueryInterface>({
    migrations: MIGRATIONS,
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize }),
    logger: undefined,
  });
}

/** Applies pending migrations; safe to run from several processes at once. */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  // An advisory lock keeps a worker and an API that start together from racing.
  return sequelize.transaction(async (transaction) => {
    await sequelize.query('SELECT pg_advisory_xact_lock(727274)', { transaction });
    const applied = await migrator(sequelize).up();
    return applied.map((m) => m.name);
  });
}
