/** The teams as the admin UI shows them. */
import type { TeamView } from '../../api/schemas';
import { fetchedOnce } from './api';

const list = fetchedOnce<TeamView[]>('/api/teams');

export const teams = () => list.get();
export const forgetTeams = () => list.forget();
