import { api, download } from '../api/client';
import type { ExportJob } from '../api/types';

export interface ExportRequest {
  report: 'organisations' | 'collaborators';
  format: 'xlsx' | 'csv' | 'pdf';
  filters?: Record<string, string | undefined>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks the worker for a report file, waits until it is ready (bounded), and downloads it. */
export async function requestAndDownload(request: ExportRequest, onStatus?: (job: ExportJob) => void, timeoutMs = 120_000): Promise<ExportJob> {
  const filters = Object.fromEntries(Object.entries(request.filters ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  let job = await api<ExportJob>('/reports/exports', { method: 'POST', body: { report: request.report, format: request.format, filters } });
  const deadline = Date.now() + timeoutMs;
  let wait = 300;
  while (job.status === 'queued' || job.status === 'running') {
    onStatus?.(job);
    if (Date.now() > deadline) throw new Error('export timed out');
    await pause(wait);
    wait = Math.min(wait * 1.5, 3000);
    job = await api<ExportJob>(`/reports/exports/${job.id}`);
  }
  onStatus?.(job);
  if (job.status !== 'ready') throw new Error(job.error ?? job.status);
  await download(`/reports/exports/${job.id}/download`, job.fileName ?? `report.${request.format}`);
  return job;
}
