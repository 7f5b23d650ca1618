/** `npm run temporal:install`: puts the Temporal CLI into .tools/ (npm start does it when needed). */
import { ensureTemporalCli } from './temporal-dev-server';

console.log(`Temporal CLI: ${ensureTemporalCli()}`);
