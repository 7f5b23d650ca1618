/**
 * The customer side's calls to the helpdesk: the public ticket routes (the link token is
 * the credential) and the widget routes. No cookies: the widget runs in other sites' pages.
 */
import type { PublicTicket, WidgetTicketView } from '../../api/schemas';
import { LIVE_EVENTS } from '../../live/events';

export type { PublicTicket, WidgetTicketView };

export class PublicApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function publicApi(base: string) {
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        credentials: 'omit',
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new PublicApiError(0, 'offline', 'We could not reach the helpdesk. Check your connection and try again.');
    }
    const payload = await response.json().catch(() => null) as { error?: string; message?: string } | null;
    if (!response.ok) {
      const message = response.status === 413 ? 'That is too much to send at once; shorten the message.'
        : payload?.message ?? `The helpdesk answered ${response.status}; try again later.`;
      throw new PublicApiError(response.status, payload?.error ?? 'error', message);
    }
    return payload as T;
  }
  const ticketPath = (token: string) => `/api/public/tickets/${encodeURIComponent(token)}`;
  return {
    ticket: (token: string) => call<PublicTicket>('GET', ticketPath(token)),
    verifyContact: (token: string, code: string) => call<PublicTicket>('POST', `${ticketPath(token)}/verify`, { code }),
    answer: (token: string, body: string, key: string, attachments: Array<{ filename: string; contentType: string; content: string }> = []) =>
      call<PublicTicket>('POST', `${ticketPath(token)}/comments`, { body, ...(attachments.length ? { attachments } : {}) }, { 'idempotency-key': key }),
    eventsUrl: (token: string) => `${base}${ticketPath(token)}/events`,
    ticketUrl: (token: string) => `${base}${ticketPath(token)}`,
    challenge: () => call<{ challenge: Record<string, unknown> | null }>('GET', '/api/widget/challenge'),
    openTicket: (form: Record<string, unknown>, key: string) => call<WidgetTicketView>('POST', '/api/widget/tickets', form, { 'idempotency-key': key }),
    myTickets: (externalId: string, signature: string) => call<{ items: WidgetTicketView[] }>('GET', '/api/widget/tickets', undefined, {
      'x-helpdesk-external-id': externalId, 'x-helpdesk-signature': signature,
    }),
  };
}

export type PublicApi = ReturnType<typeof publicApi>;

/** Follows one ticket's public changes; calls `onChange` after each and after reconnects. */
export function followTicket(api: PublicApi, token: string, onChange: () => void): () => void {
  const source = new EventSource(api.eventsUrl(token));
  let opened = false;
  source.addEventListener(LIVE_EVENTS.changed, onChange);
  source.addEventListener(LIVE_EVENTS.resync, onChange);
  source.addEventListener('open', () => {
    if (opened) onChange();
    opened = true;
  });
  return () => source.close();
}

export const newKey = () => crypto.randomUUID();
