/**
 * `npm run build`: bundles the browser code with esbuild. `npm start` and the tests run it
 * themselves; a production image runs it once at build time.
 */
import { build } from 'esbuild';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

export async function buildUi(): Promise<void> {
  await build({
    entryPoints: {
      admin: resolve(ROOT, 'admin-ui/src/main.ts'),
    },
    outdir: resolve(ROOT, 'admin-ui/dist'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    tsconfig: resolve(ROOT, 'admin-ui/tsconfig.json'),
    logLevel: 'warning',
  });
  await build({
    entryPoints: { admin: resolve(ROOT, 'admin-ui/src/page.css') },
    outdir: resolve(ROOT, 'admin-ui/dist'),
    bundle: true,
    minify: true,
    logLevel: 'warning',
  });
}

if (require.main === module) {
  buildUi().then(() => console.log('build: admin UI bundled into admin-ui/dist')).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
