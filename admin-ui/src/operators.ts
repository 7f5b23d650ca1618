import type { OperatorView } from '../../api/schemas';
import { api } from './api';

let cached: Promise<OperatorView[]> | null = null;

/** The operators to assign to; fetched once per page load, they rarely change. */
export function operators(): Promise<OperatorView[]> {
  cached ??= api.get<OperatorView[]>('/api/operators').catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}

/** After operators were added or changed: the next assignee list is fetched afresh. */
export function forgetOperators() {
  cached = null;
}
