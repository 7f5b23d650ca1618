/**
 * `npm run bench [name ...]`: runs the named benchmarks (all when none is named), prints
 * each one's figures beside its baseline from the same run, and writes them all to
 * bench-results.json.
 */
import { writeFileSync } from 'node:fs';
import { emailIntake } from './email-intake';
import { readingAtScale } from './reading-at-scale';
import { ticketOperations } from './ticket-operations';
import { openTickets } from './open-tickets';
import { clocks } from './clocks';

const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  tickets: ticketOperations,
  email: emailIntake,
  reading: readingAtScale,
  open: openTickets,
  clocks,
};

async function main() {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) throw new Error(`Unknown benchmark ${unknown.join(', ')}; there are: ${Object.keys(BENCHMARKS).join(', ')}`);
  const results: Record<string, unknown> = {};
  for (const name of names.length ? names : Object.keys(BENCHMARKS)) {
    console.log(`\n=== ${name} ===`);
    results[name] = await BENCHMARKS[name]!();
  }
  writeFileSync('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nWritten to bench-results.json');
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
