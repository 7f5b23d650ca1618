import { Worker } from 'node:worker_threads';
import { InboundMessage, parseInbound, UnparseableEmail } from './parse';
import type { ParseAnswer } from './parse-thread';

export interface MailParser {
  parse(raw: Buffer): Promise<InboundMessage>;
  close(): Promise<void>;
}

/** Parsing on the calling thread: for unit tests and tools, never for a server. */
export const inlineMailParser: MailParser = { parse: parseInbound, close: async () => {} };

const ENTRY = require.resolve('./parse-thread');
// The worker is a fresh thread: TypeScript sources need tsx's loader there too.
const BOOTSTRAP = ENTRY.endsWith('.ts')
  ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ENTRY)});`
  : `require(${JSON.stringify(ENTRY)});`;

interface Job {
  raw: Buffer;
  resolve: (message: InboundMessage) => void;
  reject: (error: Error) => void;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Parses mail in worker threads, one message at a time each, with a deadline: a thread
 * that takes longer is terminated and the mail is unparseable (kept raw and reported),
 * whatever in MIME decoding, HTML sanitising or reply stripping was slow.
 */
export function threadedMailParser(options: { threads?: number; timeoutMs: number }): MailParser {
  const threads = options.threads ?? 1;
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  let nextId = 1;
  let closed = false;

  function spawn(): Worker {
    // A mail that makes the parser run out of memory ends this thread, not the process.
    const worker = new Worker(BOOTSTRAP, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    worker.unref();
    all.add(worker);
    worker.once('exit', () => {
      all.delete(worker);
      if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
    });
    return worker;
  }

  /** A stopped thread makes room for a new one at once, before it has finished exiting. */
  function retire(worker: Worker) {
    all.delete(worker);
    void worker.terminate();
  }

  function run(worker: Worker, job: Job) {
    const id = nextId++;
    let settled = false;
    const finish = (then: () => void, reuse: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      then();
      if (reuse && !closed) idle.push(worker);
      else retire(worker);
      dispatch();
    };
    const onMessage = (answer: ParseAnswer) => {
      if (answer.id !== id) return;
      if ('message' in answer) {
        const message = answer.message;
        finish(() => job.resolve({ ...message, attachments: message.attachments.map((a) => ({ ...a, content: asBuffer(a.content) })) }), true);
      } else if ('unparseable' in answer) {
        finish(() => job.reject(new UnparseableEmail(answer.unparseable)), true);
      } else {
        finish(() => job.reject(new Error(`mail parser failed: ${answer.failure}`)), true);
      }
    };
    const onError = (error: Error) => finish(() => job.reject(new Error(`mail parser thread failed: ${error.message}`)), false);
    const onExit = (code: number) => finish(() => job.reject(new Error(`mail parser thread stopped with exit code ${code}`)), false);
    const timeoutMs = options.timeoutMs;
    const deadline = setTimeout(
      () => finish(() => job.reject(new UnparseableEmail(`reading it took longer than ${timeoutMs / 1000} s`)), false),
      timeoutMs,
    );
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage({ id, raw: job.raw });
  }

  function dispatch() {
    while (queue.length > 0 && !closed) {
      const worker = idle.pop() ?? (all.size < threads ? spawn() : null);
      if (!worker) return;
      run(worker, queue.shift()!);
    }
  }

  return {
    parse(raw: Buffer) {
      if (closed) return Promise.reject(new Error('the mail parser is closed'));
      return new Promise<InboundMessage>((resolve, reject) => {
        queue.push({ raw, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the mail parser is closed'));
      await Promise.all([...all].map((worker) => worker.terminate()));
    },
  };
}
