/**
 * Runs in a worker thread: parses one mail at a time for `threadedMailParser`, so a mail
 * that is slow to read never holds up the event loop that answers HTTP requests and
 * Temporal tasks.
 */
import { parentPort } from 'node:worker_threads';
import { parseInbound, UnparseableEmail } from './parse';

export type ParseRequest = { id: number; raw: Uint8Array };
export type ParseAnswer =
  | { id: number; message: Awaited<ReturnType<typeof parseInbound>> }
  | { id: number; unparseable: string }
  | { id: number; failure: string };

parentPort!.on('message', async ({ id, raw }: ParseRequest) => {
  let answer: ParseAnswer;
  try {
    answer = { id, message: await parseInbound(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)) };
  } catch (error) {
    answer = error instanceof UnparseableEmail ? { id, unparseable: error.message } : { id, failure: String((error as Error)?.stack ?? error) };
  }
  parentPort!.postMessage(answer);
});
