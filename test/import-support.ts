import { randomBytes } from 'node:crypto';
import type { TestContext } from './support/test-app.js';
import { waitFor } from './support/test-app.js';

/** A multipart/form-data body for `app.inject`, as a browser or curl would send it. */
export function multipart(fields: Record<string, string>, file?: { name: string; content: Buffer | string; type?: string }) {
  const boundary = `----outreach${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
    );
    chunks.push(typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export interface ImportView {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  dryRun: boolean;
  failureReason: string | null;
  counts: { total: number; applied: number; created: number; updated: number; unchanged: number; rejected: number } | null;
  appliedRows: number[];
  rejections: Array<{ row: number; column: string; value?: string; reason: string }>;
}

export async function upload(
  ctx: TestContext,
  headers: Record<string, string>,
  input: { kind: string; dryRun?: boolean; name: string; content: Buffer | string },
) {
  const body = multipart({ kind: input.kind, dryRun: String(input.dryRun ?? false) }, { name: input.name, content: input.content });
  return ctx.app.inject({ method: 'POST', url: '/api/v1/imports', payload: body.payload, headers: { ...headers, ...body.headers } });
}

/** Uploads, expects 202, and waits (with a deadline) until the worker has finished the import. */
export async function runImport(
  ctx: TestContext,
  headers: Record<string, string>,
  input: { kind: string; dryRun?: boolean; name: string; content: Buffer | string },
): Promise<ImportView> {
  const res = await upload(ctx, headers, input);
  if (res.statusCode !== 202) throw new Error(`upload answered ${res.statusCode}: ${res.body}`);
  const { id } = res.json() as { id: string };
  return waitFor(
    async () => {
      const view = (await ctx.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers })).json() as ImportView;
      return view.status === 'done' || view.status === 'failed' ? view : null;
    },
    { timeoutMs: 20_000, what: `import ${id} to finish` },
  );
}

/** CSV text from rows; cells with the delimiter or quotes are quoted. */
export function csv(rows: ReadonlyArray<ReadonlyArray<string>>, delimiter = ','): string {
  const quote = (v: string) => (v.includes(delimiter) || v.includes('"') || v.includes('\n') ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(quote).join(delimiter)).join('\r\n') + '\r\n';
}
