import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Type } from 'typebox';
import type { App } from '../types';
import { ErrorBody, notFound } from '../errors';

export const ADMIN_UI_DIST = resolve(__dirname, '../../admin-ui/dist');

/**
 * Only our own bundle runs; styles come from the bundle too (Lit's constructed style
 * sheets), so no inline script or style is allowed and no other site may frame the page.
 */
const ADMIN_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const ASSET_TYPES: Record<string, string> = {
  'admin.js': 'text/javascript; charset=utf-8',
  'admin.js.map': 'application/json; charset=utf-8',
  'admin.css': 'text/css; charset=utf-8',
};

function loadAssets() {
  const assets = new Map<string, Buffer>();
  for (const name of Object.keys(ASSET_TYPES)) {
    const file = join(ADMIN_UI_DIST, name);
    if (existsSync(file)) assets.set(name, readFileSync(file));
  }
  return assets;
}

const version = (content: Buffer | undefined) => createHash('sha256').update(content ?? '').digest('hex').slice(0, 12);

function indexHtml(assets: Map<string, Buffer>) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Helpdesk</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/assets/admin.css?v=${version(assets.get('admin.css'))}">
<script type="module" src="/admin/assets/admin.js?v=${version(assets.get('admin.js'))}"></script>
</head>
<body>
<helpdesk-admin></helpdesk-admin>
<noscript>The helpdesk's admin UI needs JavaScript.</noscript>
</body>
</html>
`;
}

/** The operators' single-page app: every /admin path gets the page, which routes itself. */
export default async function adminUiRoutes(app: App) {
  const assets = loadAssets();
  const built = assets.has('admin.js');
  const page = indexHtml(assets);

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/'));

  const sendPage = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    if (!built) {
      return reply.code(503).type('text/plain; charset=utf-8')
        .send('The admin UI is not built yet: run `npm run build` (npm start does it for you).');
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', ADMIN_CSP)
      .send(page);
  };
  app.get('/admin', { schema: { hide: true } }, sendPage);
  app.get('/admin/*', { schema: { hide: true } }, sendPage);

  app.get('/admin/assets/:name', {
    schema: { hide: true, params: Type.Object({ name: Type.String({ maxLength: 50 }) }), response: { 200: Type.Unknown(), 404: ErrorBody } },
  }, async (request, reply) => {
    const content = assets.get(request.params.name);
    if (!content) throw notFound(`No asset ${request.params.name}.`);
    // The page asks for each asset with its content hash, so a cached copy is never stale.
    return reply
      .type(ASSET_TYPES[request.params.name]!)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(content);
  });
}
