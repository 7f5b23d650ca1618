/**
 * `npm run build`: bundles the browser code with esbuild: the admin UI into
 * admin-ui/dist, the public ticket page and the website widget into widget/dist.
 * `npm start` and the tests run it themselves; a production image runs it once.
 */
import { build, BuildOptions } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const common: BuildOptions = { bundle: true, minify: true, target: 'es2022', legalComments: 'none', logLevel: 'warning' };

export const WIDGET_BUNDLE = resolve(ROOT, 'widget/dist/widget.js');

export async function buildUi(): Promise<{ widgetGzipBytes: number }> {
  await Promise.all([
    build({
      ...common,
      entryPoints: { admin: resolve(ROOT, 'admin-ui/src/main.ts') },
      outdir: resolve(ROOT, 'admin-ui/dist'),
      format: 'esm',
      sourcemap: 'linked',
      tsconfig: resolve(ROOT, 'admin-ui/tsconfig.json'),
    }),
    build({ ...common, entryPoints: { admin: resolve(ROOT, 'admin-ui/src/page.css') }, outdir: resolve(ROOT, 'admin-ui/dist') }),
    build({
      ...common,
      entryPoints: { 'ticket-page': resolve(ROOT, 'widget/src/ticket-page.ts') },
      outdir: resolve(ROOT, 'widget/dist'),
      format: 'esm',
      tsconfig: resolve(ROOT, 'widget/tsconfig.json'),
    }),
    build({ ...common, entryPoints: { 'ticket-page': resolve(ROOT, 'widget/src/ticket-page.css') }, outdir: resolve(ROOT, 'widget/dist') }),
    // A classic script, not a module: websites paste one plain tag, and the widget finds
    // the helpdesk's address in document.currentScript, which modules don't have.
    build({
      ...common,
      entryPoints: { widget: resolve(ROOT, 'widget/src/widget.ts') },
      outdir: resolve(ROOT, 'widget/dist'),
      format: 'iife',
      tsconfig: resolve(ROOT, 'widget/tsconfig.json'),
    }),
  ]);
  return { widgetGzipBytes: gzipSync(readFileSync(WIDGET_BUNDLE), { level: 9 }).length };
}

if (require.main === module) {
  buildUi().then(({ widgetGzipBytes }) => {
    console.log(`build: admin UI into admin-ui/dist; ticket page and widget into widget/dist (widget.js ${(widgetGzipBytes / 1024).toFixed(1)} KiB gzipped)`);
  }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
