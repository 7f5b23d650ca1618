import { resolve } from 'node:path';
import type { FastifyReply } from 'fastify';
import type { App } from '../types';
import { loadUiAssets, NOT_BUILT, serveVersionedAssets, strictCsp } from '../ui-assets';

const ADMIN_UI_DIST = resolve(__dirname, '../../admin-ui/dist');

/** The operators' single-page app: every /admin path gets the page, which routes itself. */
export default async function adminUiRoutes(app: App) {
  const assets = loadUiAssets(ADMIN_UI_DIST, {
    'admin.js': 'text/javascript; charset=utf-8',
    'admin.js.map': 'application/json; charset=utf-8',
    'admin.css': 'text/css; charset=utf-8',
  });
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Helpdesk</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.url('/admin/assets', 'admin.css')}">
<script type="module" src="${assets.url('/admin/assets', 'admin.js')}"></script>
</head>
<body>
<helpdesk-admin></helpdesk-admin>
<noscript>The helpdesk's admin UI needs JavaScript.</noscript>
</body>
</html>
`;

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/'));

  const sendPage = async (_request: unknown, reply: FastifyReply) => {
    if (!assets.has('admin.js')) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', strictCsp())
      .send(page);
  };
  app.get('/admin', { schema: { hide: true } }, sendPage);
  app.get('/admin/*', { schema: { hide: true } }, sendPage);

  serveVersionedAssets(app, '/admin/assets', assets);
}
