import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { api, ApiError } from '../api';

/**
 * What an admin screen of things (operators, mailboxes) holds: the list, loaded when the
 * screen opens and again after each change; one change at a time; the server's refusal
 * shown as it says it, or what was done.
 */
export class ManagedList<T> implements ReactiveController {
  items: T[] | null = null;
  problem: string | null = null;
  notice: string | null = null;
  busy = false;

  constructor(private readonly host: ReactiveControllerHost, private readonly path: string, private readonly afterChange: () => void = () => undefined) {
    host.addController(this);
  }

  hostConnected() {
    void this.load();
  }

  async load() {
    try {
      this.items = await api.get<T[]>(this.path);
    } catch (error) {
      this.problem = (error as Error).message;
    }
    this.host.requestUpdate();
  }

  /** Answers whether the change was taken. */
  async act(action: () => Promise<unknown>, done: string): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    this.notice = null;
    this.host.requestUpdate();
    try {
      await action();
      this.afterChange();
      await this.load();
      // Said once the list shows it (and the screen's form is cleared in the same update).
      this.notice = done;
      return true;
    } catch (error) {
      this.problem = error instanceof ApiError ? error.message : String(error);
      return false;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }
}
