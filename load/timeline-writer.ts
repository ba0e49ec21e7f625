import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimelineBucket } from './timeline-types.js';

export const TIMELINE_FILE = 'timeline.ndjson';

/**
 * Appends one NDJSON line per second to `<runDir>/timeline.ndjson`. Each line is written as soon
 * as its second ends, so a harness killed mid-run leaves every finished second on disk.
 */
export class TimelineWriter implements AsyncDisposable {
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
  ) {}

  /** Opens (creating or appending to) the timeline of a run directory. */
  static async open(runDir: string): Promise<TimelineWriter> {
    const path = join(runDir, TIMELINE_FILE);
    return new TimelineWriter(await open(path, 'a'), path);
  }

  /** Queues a line; lines are written in order. A write failure is raised by `flush`/`close`. */
  append(bucket: TimelineBucket): void {
    const line = `${JSON.stringify(bucket)}\n`;
    this.pending = this.pending.then(async () => {
      if (this.failure) return;
      try {
        await this.file.write(line);
      } catch (error) {
        this.failure = error;
      }
    });
  }

  /** Waits for queued lines; throws the first write failure. */
  async flush(): Promise<void> {
    await this.pending;
    if (this.failure) throw this.failure;
  }

  /** Writes what is queued and closes the file; idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      try {
        await this.flush();
      } finally {
        await this.file.close();
      }
    })();
    return this.closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
