/** The API process for production: `npm run api`. */
import { helpdeskDataConverter } from '../security/payload-codec';
import closeWithGrace from 'close-with-grace';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireForServer, temporalAddress, Config } from '../config';
import { connectDatabase } from '../db';
import { migrate } from '../db/migrate';
import { ensureFirstOperator } from '../db/first-operator';
import { buildApp } from './app';

/** `announce: false`: the caller tells of the first operator (npm start, in its banner). */
export async function runApi(config: Config & { DATABASE_URL: string; SECRET_KEY: string }, { announce = true } = {}) {
  const db = connectDatabase(config.DATABASE_URL);
  await migrate(db.sequelize);
  const first = await ensureFirstOperator(db, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, name: config.ADMIN_NAME });
  if (first.created && announce) {
    console.log(`api: created the first operator ${first.email}${first.generatedPassword ? ` with the password ${first.generatedPassword} (shown once; change it)` : ''}`);
  }
  const connection = await Connection.connect({ address: temporalAddress(config) });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: helpdeskDataConverter(config) });
  const app = await buildApp({ config, db, temporal, logger: { level: config.LOG_LEVEL } });
  await app.listen({ host: config.HOST, port: config.PORT });
  return {
    app,
    firstOperator: first,
    async close() {
      await app.close();
      await connection.close();
      await db.sequelize.close();
    },
  };
}

if (require.main === module) {
  const config = loadConfig();
  requireForServer(config);
  runApi(config).then((api) => {
    closeWithGrace({ delay: 10_000 }, async ({ err }) => {
      if (err) console.error(err);
      await api.close();
    });
  }).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
