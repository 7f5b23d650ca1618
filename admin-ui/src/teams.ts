/** The teams as the admin UI shows them: fetched once per page load. */
import type { TeamView } from '../../api/schemas';
import { api } from './api';

let cached: Promise<TeamView[]> | null = null;

export function teams(): Promise<TeamView[]> {
  cached ??= api.get<TeamView[]>('/api/teams').catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}

export function forgetTeams() {
  cached = null;
}
