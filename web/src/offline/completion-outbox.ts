import { createStore, del, set, values } from 'idb-keyval';
import { api } from '../api/client';
import { ApiError, isRetryable } from '../api/problem';
import type { Task } from '../api/types';

/**
 * Completions are written here first and then sent, so one made without a network waits on the
 * phone and goes out when it is back. Each keeps the Idempotency-Key it was given when the person
 * pressed the button: however often it is sent (retries, two tabs, a reload), the API records it once.
 */
export interface QueuedCompletion {
  taskId: string;
  proofUrl: string;
  note?: string;
  idempotencyKey: string;
  queuedAt: string;
}

export type FlushOutcome = { taskId: string; ok: true; task: Task } | { taskId: string; ok: false; error: ApiError };

const store = createStore('oc-outbox', 'completions');
const listeners = new Set<() => void>();
let flushing: Promise<FlushOutcome[]> | null = null;

function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function changed(): void {
  for (const l of listeners) l();
}

const outcomeListeners = new Set<(outcomes: FlushOutcome[]) => void>();

/** Told of every completion sent or refused, whoever started the flush. */
export function onOutboxOutcome(listener: (outcomes: FlushOutcome[]) => void): () => void {
  outcomeListeners.add(listener);
  return () => outcomeListeners.delete(listener);
}

export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function queuedCompletions(): Promise<QueuedCompletion[]> {
  return (await values<QueuedCompletion>(store)).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export async function enqueueCompletion(taskId: string, proofUrl: string, note?: string): Promise<QueuedCompletion> {
  const entry: QueuedCompletion = { taskId, proofUrl, note, idempotencyKey: newKey(), queuedAt: new Date().toISOString() };
  await set(taskId, entry, store);
  changed();
  return entry;
}

async function sendAll(): Promise<FlushOutcome[]> {
  const outcomes: FlushOutcome[] = [];
  for (const entry of await queuedCompletions()) {
    try {
      const task = await api<Task>(`/tasks/${entry.taskId}/complete`, {
        method: 'POST',
        headers: { 'idempotency-key': entry.idempotencyKey },
        body: { proofUrl: entry.proofUrl, ...(entry.note ? { note: entry.note } : {}) },
      });
      await del(entry.taskId, store);
      outcomes.push({ taskId: entry.taskId, ok: true, task });
    } catch (error) {
      // Still offline or the server is unwell: keep it for the next try. A refusal (bad link,
      // task closed) will not change by retrying: hand it back to the person.
      if (isRetryable(error) || !(error instanceof ApiError)) break;
      await del(entry.taskId, store);
      outcomes.push({ taskId: entry.taskId, ok: false, error });
    }
  }
  if (outcomes.length) {
    changed();
    for (const l of outcomeListeners) l(outcomes);
  }
  return outcomes;
}

/** Sends what is queued, one at a time, once per device at a time (Web Locks across tabs). */
export function flushOutbox(): Promise<FlushOutcome[]> {
  // A flush already running may have read the queue before the newest entry: run again after it.
  if (flushing) return flushing.then(async (earlier) => [...earlier, ...(await flushOutbox())]);
  flushing = (async () => {
    try {
      return navigator.locks ? await navigator.locks.request('oc-outbox', sendAll) : await sendAll();
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

export async function clearOutbox(): Promise<void> {
  for (const entry of await queuedCompletions()) await del(entry.taskId, store);
  changed();
}
