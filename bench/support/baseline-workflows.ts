/**
 * The baselines' workflows: as little as Temporal allows, so the bench shows what the
 * helpdesk adds on top of the engine. Bundled only by the benchmark's own worker.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

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
