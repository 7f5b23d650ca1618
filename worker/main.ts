/** The worker process for production: `npm run worker`. */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, requireForServer, temporalAddress, Config } from '../config';
import { connectDatabase } from '../db';
import { migrate } from '../db/migrate';
import { createMailDeps } from '../mail';
import { createTicketWorker } from './index';

export async function runWorker(config: Config & { DATABASE_URL: string; SECRET_KEY: string }, signal?: AbortSignal): Promise<void> {
  const db = connectDatabase(config.DATABASE_URL);
  await migrate(db.sequelize);
  const mail = createMailDeps(config);
  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  try {
    const worker = await createTicketWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      activities: { db, ...mail, secretKey: config.SECRET_KEY, publicUrl: config.PUBLIC_URL, mailFrom: config.MAIL_FROM },
    });
    console.log(`worker: polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${temporalAddress(config)}; mail goes to ${mail.mailer.describe}`);
    signal?.addEventListener('abort', () => worker.shutdown(), { once: true });
    await worker.run();
  } finally {
    await connection.close();
    mail.mailer.close();
    await db.sequelize.close();
  }
}

if (require.main === module) {
  const config = loadConfig();
  requireForServer(config);
  // The SDK's worker shuts down gracefully on SIGINT/SIGTERM by itself.
  runWorker(config).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
