/**
 * Ticket workflows (and each team's dispatcher) live for months, so a new release must
 * replay the histories the old ones wrote. Each file in test/fixtures/ticket-histories was recorded with an earlier
 * release (dev/scripts/record-ticket-histories.ts); replaying it with today's workflow code must
 * meet no nondeterminism: every change since then is behind patched().
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker';
import { helpdeskDataConverter } from '../security/payload-codec';
import { HISTORIES_SECRET_KEY } from '../dev/scripts/record-ticket-histories';

const HISTORIES = join(__dirname, 'fixtures', 'ticket-histories');
const recorded = readdirSync(HISTORIES).filter((file) => file.endsWith('.json')).sort();

beforeAll(() => {
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
});

test('there are recorded histories from before each change to the ticket workflow', () => {
  expect(recorded.some((file) => file.startsWith('queued-activities-'))).toBe(true);
  expect(recorded.some((file) => file.startsWith('local-activities-'))).toBe(true);
  // Runs with a code version in their input (no patch markers, mail through the outbox).
  expect(recorded.some((file) => file.startsWith('code-version-1-'))).toBe(true);
});

test.each(recorded)('%s replays with the current workflow code', async (file) => {
  const history = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
  const dataConverter = helpdeskDataConverter({ SECRET_KEY: HISTORIES_SECRET_KEY, PAYLOAD_ENCRYPTION_KEYS: null });
  await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH, replayName: file, dataConverter }, history, `replay-${file}`)).resolves.toBeUndefined();
}, 60_000);
