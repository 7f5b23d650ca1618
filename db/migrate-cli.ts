import { loadConfig } from '../config';
import { connectDatabase } from './index';
import { migrate } from './migrate';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required to run migrations.');
  const db = connectDatabase(config.DATABASE_URL);
  const applied = await migrate(db.sequelize);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  await db.sequelize.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
