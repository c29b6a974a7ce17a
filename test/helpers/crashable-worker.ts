import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Makes the engine's workers for a test, and ends the current one as a crash would (`worker.terminate()`: no
 * shutdown message, no chance to save), so the restart path runs against a real worker thread.
 */
export function crashableWorkers() {
  let current: Worker | undefined;
  return {
    createWorker(path: string, options: WorkerOptions): Worker {
      current = new Worker(path, options);
      return current;
    },
    async crash(): Promise<void> {
      if (current === undefined) throw new Error('No engine worker has been started.');
      await current.terminate();
    },
  };
}
