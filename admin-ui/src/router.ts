/**
 * Path-based routing under /admin: links are plain anchors (open in a new tab works),
 * clicks on them are taken over here, and every screen can be reached by its URL, as the
 * operator mail's `/admin/tickets/<n>` link does.
 */
export type Route =
  | { name: 'login' }
  | { name: 'tickets'; params: URLSearchParams }
  | { name: 'ticket'; number: number }
  | { name: 'new-ticket' }
  | { name: 'customers'; params: URLSearchParams }
  | { name: 'customer'; id: number }
  | { name: 'new-customer' }
  | { name: 'inbound-mail'; params: URLSearchParams }
  | { name: 'operators' }
  | { name: 'mailboxes' }
  | { name: 'sla-policies' }
  | { name: 'canned-replies' }
  | { name: 'tags' }
  | { name: 'ticket-fields' }
  | { name: 'teams' }
  | { name: 'profile' }
  | { name: 'not-found' };

export const BASE = '/admin';

export function parseRoute(location: { pathname: string; search: string }): Route {
  const path = location.pathname.replace(/\/+$/, '') || BASE;
  const params = new URLSearchParams(location.search);
  const rest = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  let match: RegExpExecArray | null;
  if (rest === '' || rest === '/tickets') return { name: 'tickets', params };
  if (rest === '/login') return { name: 'login' };
  if (rest === '/tickets/new') return { name: 'new-ticket' };
  if ((match = /^\/tickets\/(\d{1,9})$/.exec(rest))) return { name: 'ticket', number: Number(match[1]) };
  if (rest === '/customers') return { name: 'customers', params };
  if (rest === '/customers/new') return { name: 'new-customer' };
  if ((match = /^\/customers\/(\d{1,9})$/.exec(rest))) return { name: 'customer', id: Number(match[1]) };
  if (rest === '/inbound-mail') return { name: 'inbound-mail', params };
  if (rest === '/operators') return { name: 'operators' };
  if (rest === '/mailboxes') return { name: 'mailboxes' };
  if (rest === '/sla-policies') return { name: 'sla-policies' };
  if (rest === '/canned-replies') return { name: 'canned-replies' };
  if (rest === '/tags') return { name: 'tags' };
  if (rest === '/ticket-fields') return { name: 'ticket-fields' };
  if (rest === '/teams') return { name: 'teams' };
  if (rest === '/profile') return { name: 'profile' };
  return { name: 'not-found' };
}

export const ROUTE_CHANGED = 'route-changed';

export function navigate(href: string, { replace = false } = {}) {
  if (href === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(ROUTE_CHANGED));
}

/** Same-origin /admin links open in place; modified clicks keep the browser's meaning. */
export function interceptLinks(root: EventTarget) {
  root.addEventListener('click', (event) => {
    const mouse = event as MouseEvent;
    if (mouse.defaultPrevented || mouse.button !== 0 || mouse.metaKey || mouse.ctrlKey || mouse.shiftKey || mouse.altKey) return;
    const anchor = mouse.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    if (!anchor.pathname.startsWith(BASE)) return;
    mouse.preventDefault();
    navigate(anchor.pathname + anchor.search);
  });
  window.addEventListener('popstate', () => window.dispatchEvent(new Event(ROUTE_CHANGED)));
}
