import { readFileSync } from 'node:fs';

export interface RssFigures {
  /** Highest VmRSS seen while sampling (MB). */
  peakRssMb: number;
  /** Kernel high-water mark VmHWM at the end (MB): includes start-up, never misses a spike. */
  hwmMb: number;
  samples: number;
}

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** Samples the resident set of another process (Linux /proc) until `stop()` is called. */
export function startRssSampler(pid: number, intervalMs = 50): { stop(): RssFigures } {
  let peakKb = 0;
  let samples = 0;
  const sample = () => {
    try {
      peakKb = Math.max(peakKb, readStatusKb(pid, 'VmRSS'));
      samples++;
    } catch {
      // the process has gone; keep what we saw
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let hwmKb: number;
      try {
        hwmKb = readStatusKb(pid, 'VmHWM');
      } catch {
        hwmKb = peakKb;
      }
      // The kernel raises its high-water mark lazily (on some memory events, not on every page), so
      // a sample can exceed it by a little: the high-water mark is at least what was seen.
      return { peakRssMb: round1(peakKb / 1024), hwmMb: round1(Math.max(hwmKb, peakKb) / 1024), samples };
    },
  };
}

/** Runs `during` while sampling `pid`'s RSS; returns its result and the memory figures. */
export async function measureServerRss<T>(pid: number, during: () => Promise<T>): Promise<{ result: T; rss: RssFigures }> {
  const sampler = startRssSampler(pid);
  try {
    const result = await during();
    return { result, rss: sampler.stop() };
  } catch (error) {
    sampler.stop();
    throw error;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
