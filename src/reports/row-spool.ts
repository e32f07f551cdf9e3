import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/**
 * Rows put aside on disk while one pass over a cursor goes on, read back afterwards in the same
 * order (one JSON line per row, written with back-pressure, read line by line): a second sheet of
 * an export made of some rows of the first without reading the database twice or holding the
 * rows in memory. Rows must survive JSON (strings, numbers, booleans, null).
 */
export class RowSpool<T> {
  private out?: WriteStream;
  private ended = false;
  private count = 0;
  private over = false;

  /** `limit`: beyond this many rows the spool gives up (its file is deleted; `overflowed` says so). */
  constructor(
    readonly path: string,
    readonly limit = Number.POSITIVE_INFINITY,
  ) {}

  /** More rows were offered than `limit`: nothing can be read back, the caller reads its source again. */
  get overflowed(): boolean {
    return this.over;
  }

  /** Rows written so far. */
  get size(): number {
    return this.count;
  }

  async write(row: T): Promise<void> {
    if (this.over) return;
    if (this.ended) throw new Error('RowSpool: write after end');
    if (this.count >= this.limit) {
      this.over = true;
      await this.remove();
      return;
    }
    this.out ??= createWriteStream(this.path);
    this.count++;
    if (!this.out.write(`${JSON.stringify(row)}\n`)) await once(this.out, 'drain');
  }

  /** No more rows: flushes the file. Safe to call more than once. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.out) {
      this.out.end();
      await once(this.out, 'close');
    }
  }

  /** The rows, in the order written; only after `end()` (reading a half-written spool would silently lose rows). */
  async *read(): AsyncGenerator<T> {
    if (!this.ended) throw new Error('RowSpool: read before end');
    if (this.over) throw new Error('RowSpool: overflowed, nothing to read');
    if (!this.out) return;
    const lines = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      for await (const line of lines) if (line) yield JSON.parse(line) as T;
    } finally {
      lines.close();
    }
  }

  /** Ends the spool and deletes its file. */
  async remove(): Promise<void> {
    await this.end().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
