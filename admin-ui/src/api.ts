/**
 * The admin UI's only way to the server: JSON over fetch with the session cookie, the
 * CSRF header on writes, and the server's `{error, message}` turned into an ApiError
 * whose message is fit to show as it is.
 */
import type { OperatorView } from '../../api/schemas';

export class ApiError extends Error {
  /** The whole answer, for refusals that say more than why (a thread that moved on: what is new). */
  constructor(readonly status: number, readonly code: string, message: string, readonly details: unknown = null) {
    super(message);
  }
}

let csrfToken: string | null = null;
let unauthorizedHandler: () => void = () => undefined;

export function onUnauthorized(handler: () => void) {
  unauthorizedHandler = handler;
}

export function setSession(token: string | null) {
  csrfToken = token;
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'offline', 'The helpdesk server cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload = await response.json().catch(() => null) as { error?: string; message?: string } | null;
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/api/auth/login')) unauthorizedHandler();
    throw new ApiError(response.status, payload?.error ?? 'error', payload?.message ?? `The server answered ${response.status}.`, payload);
  }
  return payload as T;
}

/**
 * A DELETE that outlives the page it was sent from (closing the tab, following a link):
 * fire and forget, for telling others one has left.
 */
export function deleteOnLeave(path: string) {
  void fetch(path, { method: 'DELETE', credentials: 'same-origin', keepalive: true, headers: csrfToken ? { 'x-csrf-token': csrfToken } : {} }).catch(() => undefined);
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body ?? {}, headers),
  patch: <T>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body, headers),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  delete: <T>(path: string) => call<T>('DELETE', path),
};

export interface Me {
  operator: OperatorView;
  csrfToken: string;
}

/** A query string from the set values only. Arrays repeat the key, as the API reads them. */
export function query(params: Record<string, string | number | readonly string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** One key per user intent: a retried click never opens a second ticket. */
export function idempotencyKey(): Record<string, string> {
  return { 'idempotency-key': crypto.randomUUID() };
}

/**
 * What rarely changes (operators, teams, fields, tag colours): fetched once per page load
 * and shared by every screen; `forget` after a change, and a failed fetch is tried again next time.
 */
export function fetchedOnce<T>(path: string): { get(): Promise<T>; forget(): void } {
  let cached: Promise<T> | null = null;
  return {
    get() {
      cached ??= api.get<T>(path).catch((error: unknown) => {
        cached = null;
        throw error;
      });
      return cached;
    },
    forget() {
      cached = null;
    },
  };
}
