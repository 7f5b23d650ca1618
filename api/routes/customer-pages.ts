import { resolve } from 'node:path';
import type { App } from '../types';
import { perAddress } from '../client-address';
import type { Database } from '../../db';
import { loadUiAssets, NOT_BUILT, serveVersionedAssets, strictCsp } from '../ui-assets';
import { ticketNumberForToken } from '../../db/public-links';
import { TokenParams } from '../schemas';
import { externalIdSignature } from '../../security/widget-identity';

const WIDGET_DIST = resolve(__dirname, '../../widget/dist');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function document(title: string, head: string, body: string) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
${head}
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * What customers open in a browser: the ticket page behind each public link, the
 * widget script websites embed, and a demo website with the widget on it.
 */
export default async function customerPageRoutes(app: App, { db, rateLimit, widgetSecret, demo }: { db: Database; rateLimit: number; widgetSecret: string; demo: boolean }) {
  const assets = loadUiAssets(WIDGET_DIST, {
    'ticket-page.js': 'text/javascript; charset=utf-8',
    'ticket-page.css': 'text/css; charset=utf-8',
    'widget.js': 'text/javascript; charset=utf-8',
  });
  const ticketPage = document('Your ticket',
    `<link rel="stylesheet" href="${assets.url('/assets/customer', 'ticket-page.css')}">
<script type="module" src="${assets.url('/assets/customer', 'ticket-page.js')}"></script>`,
    '<helpdesk-ticket-page></helpdesk-ticket-page>\n<noscript>This page needs JavaScript to show your ticket.</noscript>');
  const invalidLink = document('Link not valid', `<link rel="stylesheet" href="${assets.url('/assets/customer', 'ticket-page.css')}">`,
    '<main><h1>This link is not valid</h1><p>Check that you copied the whole address from our email. If it still does not work, write to us again.</p></main>');

  // The link is the customer's only credential: the page is never cached, indexed, framed
  // or handed on as a referrer, and loads nothing from anywhere else.
  const privatePage = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex, nofollow', 'content-security-policy': strictCsp() };

  app.get('/t/:token', {
    schema: { hide: true, params: TokenParams },
    config: { rateLimit: { max: rateLimit, timeWindow: '1 minute', keyGenerator: perAddress } },
  }, async (request, reply) => {
    reply.headers(privatePage).type('text/html; charset=utf-8');
    if (!assets.has('ticket-page.js')) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    const number = await ticketNumberForToken(db, request.params.token);
    return number === null ? reply.code(404).send(invalidLink) : reply.send(ticketPage);
  });

  serveVersionedAssets(app, '/assets/customer', assets, ['widget.js']);

  // Websites embed this address as it is, so it can't carry a version: cached briefly.
  app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
    const content = assets.get('widget.js');
    if (!content) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return reply
      .type(assets.type('widget.js'))
      .header('cache-control', 'public, max-age=300')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(content);
  });

  // A page that signs a visitor's ID for anyone who opens it: only where a setting asks for it.
  if (demo) app.get('/widget/demo', { schema: { hide: true } }, async (_request, reply) => {
    // With a widget secret, the demo plays a website that knows its visitor: it signs
    // their ID on the server, as a real website's back end would.
    const visitor = 'demo-visitor-1';
    const identity = widgetSecret
      ? ` data-external-id="${visitor}" data-external-id-signature="${externalIdSignature(widgetSecret, visitor, new Date(Date.now() + 3_600_000))}"`
      : '';
    const page = document('Example Shop',
      `<script src="/widget.js" async${identity}></script>`,
      `<header><h1>Example Shop</h1><p>A stand-in for your website: the button in the corner is the helpdesk widget.</p></header>
<main>
<p>Embed it on any page with one line before <code>&lt;/body&gt;</code>:</p>
<pre><code>${escapeHtml('<script src="https://YOUR-HELPDESK/widget.js" async></script>')}</code></pre>
<p>${widgetSecret ? `This page signs the visitor ID <code>${visitor}</code>, so "Your tickets" lists that visitor's tickets.` : 'Set WIDGET_SECRET to see the signed-visitor features (your tickets, answering, reopening).'}</p>
</main>`);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', strictCsp()).send(page);
  });
}
