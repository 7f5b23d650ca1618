import type { Client } from '@temporalio/client';
import type { App } from '../types';
import { databaseAnswers, type Database } from '../../db';
import { Health } from '../schemas';

export default async function healthRoutes(app: App, { db, temporal }: { db: Database; temporal: Client }) {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'PostgreSQL and Temporal reachable', response: { 200: Health, 503: Health } },
    // Asked every few seconds by load balancers (and once by npm start): not worth a log line each.
    logLevel: 'warn',
  }, async (_request, reply) => {
    const within = <T>(promise: Promise<T>) =>
      Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, 3000, false))]).catch(() => false);
    const [postgres, temporalUp] = await Promise.all([
      within(databaseAnswers(db)),
      within(temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = postgres && temporalUp;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', postgres, temporal: temporalUp });
  });
}
