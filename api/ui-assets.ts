import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'typebox';
import type { App } from './types';
import { ErrorBody, notFound } from './errors';

/**
 * Built browser bundles, read once at start. A page asks for each with its content hash
 * (`?v=`), so browsers may cache them for good and still never run a stale one.
 */
export function loadUiAssets(dir: string, types: Record<string, string>) {
  const files = new Map<string, Buffer>();
  for (const name of Object.keys(types)) {
    const file = join(dir, name);
    if (existsSync(file)) files.set(name, readFileSync(file));
  }
  return {
    has: (name: string) => files.has(name),
    get: (name: string) => files.get(name),
    type: (name: string) => types[name]!,
    /** The asset's address with its version. */
    url: (prefix: string, name: string) => `${prefix}/${name}?v=${createHash('sha256').update(files.get(name) ?? '').digest('hex').slice(0, 12)}`,
  };
}

export type UiAssets = ReturnType<typeof loadUiAssets>;

/**
 * Serves `prefix/<name>` for the versioned assets pages ask for (cached for good); names in
 * `unversioned` are served only at their own fixed address, with their own caching.
 */
export function serveVersionedAssets(app: App, prefix: string, assets: UiAssets, unversioned: string[] = []) {
  app.get(`${prefix}/:name`, {
    schema: { hide: true, params: Type.Object({ name: Type.String({ maxLength: 50 }) }), response: { 200: Type.Unknown(), 404: ErrorBody } },
  }, async (request, reply) => {
    const { name } = request.params;
    const content = unversioned.includes(name) ? undefined : assets.get(name);
    if (!content) throw notFound(`No asset ${name}.`);
    return reply.type(assets.type(name)).header('cache-control', 'public, max-age=31536000, immutable').send(content);
  });
}

export const NOT_BUILT = 'The browser code is not built yet: run `npm run build` (npm start does it for you).';

/** A page's Content-Security-Policy: only our own script, styles and connections; never framed. */
export function strictCsp(extra: string[] = []) {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
    "font-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", ...extra,
  ].join('; ');
}
