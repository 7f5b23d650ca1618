/**
 * `npm run docs:settings`: writes `.env.example` and the README's settings table from
 * `config/index.ts`, the one definition of every setting (a unit test checks the first).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../config';

const ROOT = join(__dirname, '..', '..');
const entries = Object.entries(SETTINGS) as Array<[string, { default: string; doc: string }]>;

const example = [
  '# Every setting of the helpdesk with its default. Copy to .env (read by `npm start`)',
  '# or set them in the environment. Empty means "not set".',
  '',
  ...entries.flatMap(([name, setting]) => [`# ${setting.doc}`, `${name}=${setting.default}`, '']),
].join('\n');
writeFileSync(join(ROOT, '.env.example'), example);

const readmePath = join(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const header = '| Variable | Default | What it does |\n| --- | --- | --- |\n';
const start = readme.indexOf(header);
const end = readme.indexOf('\n\n', start);
if (start < 0 || end < 0) throw new Error('README.md has no settings table to replace');
const rows = entries.map(([name, setting]) => `| \`${name}\` | ${setting.default ? `\`${setting.default}\`` : '(empty)'} | ${setting.doc.replace(/\|/g, '\\|')} |`);
writeFileSync(readmePath, readme.slice(0, start) + header + rows.join('\n') + readme.slice(end));
console.log('Wrote .env.example and the README settings table');
