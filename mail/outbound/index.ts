import { join } from 'node:path';
import type { Config } from '../../config';
import { Mailer, outboxMailer, smtpMailer } from './mailer';
import { createRenderer } from './render';

export function outboxDir(config: Config): string {
  return config.OUTBOX_DIR ?? join(config.DATA_DIR, 'outbox');
}

/** SMTP when configured, else the outbox folder. */
export function createMailDeps(config: Config): { mailer: Mailer; render: ReturnType<typeof createRenderer> } {
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL) : outboxMailer(outboxDir(config));
  return { mailer, render: createRenderer() };
}
