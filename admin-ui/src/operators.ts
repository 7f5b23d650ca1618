import type { OperatorView } from '../../api/schemas';
import { fetchedOnce } from './api';

const list = fetchedOnce<OperatorView[]>('/api/operators');

/** The operators to assign to. */
export const operators = () => list.get();

/** After operators were added or changed: the next assignee list is fetched afresh. */
export const forgetOperators = () => list.forget();
