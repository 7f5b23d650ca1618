/**
 * The baselines' workflows: as little as Temporal allows, so the bench shows what the
 * helpdesk adds on top of the engine. Bundled only by the benchmark's own worker.
 */
import { condition, defineUpdate, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities';
import { SEARCH_ATTRIBUTES } from '../../../workflows/ticket/definitions';

/** Starts and ends: what a bare workflow start costs. */
export async function emptyWorkflow(): Promise<void> {}

export const touchUpdate = defineUpdate<number, [number]>('touch');

/** Answers updates until told to stop: what a bare Workflow Update round trip costs. */
export async function updatableWorkflow(): Promise<void> {
  let done = false;
  setHandler(touchUpdate, (value) => {
    if (value < 0) done = true;
    return value;
  });
  await condition(() => done);
}

const { record } = proxyLocalActivities<BaselineActivities>({ startToCloseTimeout: '10s' });

export const recordUpdate = defineUpdate<number, [number]>('record');
/** The same, and one search attribute upserted with it: what a ticket's status change must cost at least. */
export const recordAndIndexUpdate = defineUpdate<number, [number]>('recordAndIndex');

/**
 * Answers each update once a local activity has run, and stays open: the least a durable,
 * written-down change costs on Temporal, which is what every ticket change is.
 */
export async function recordingWorkflow(): Promise<void> {
  let done = false;
  setHandler(recordUpdate, async (value) => {
    const recorded = await record(value);
    if (value < 0) done = true;
    return recorded;
  });
  setHandler(recordAndIndexUpdate, async (value) => {
    const recorded = await record(value);
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: value % 2 === 0 ? 'in_progress' : 'waiting' }]);
    if (value < 0) done = true;
    return recorded;
  });
  await condition(() => done);
}

/**
 * Sleeps until a time and says how late it woke, by workflow time: what a bare durable
 * timer costs, to set beside a ticket's own clock.
 */
export async function timerWorkflow(dueAtMs: number): Promise<number> {
  await sleep(Math.max(1, dueAtMs - Date.now()));
  return Date.now() - dueAtMs;
}
