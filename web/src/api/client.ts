import i18n from '../i18n/i18n';
import { ApiError, NetworkError, type Problem } from './problem';
import { readSession, writeSession, type Session } from './session';

export const API = '/api/v1';

interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Skip the bearer token (login, refresh). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    return (await response.json()) as Problem;
  } catch {
    return { status: response.status, title: response.statusText };
  }
}

let refreshing: Promise<Session | null> | null = null;

/**
 * Exchanges the refresh token for a new pair, once for all callers. Tabs share one lock, and a tab
 * that finds the stored token already rotated by another tab uses that one: a refresh token is
 * single-use, and presenting a used one would end the whole session.
 */
export function refreshSession(stale: Session): Promise<Session | null> {
  refreshing ??= (async () => {
    const run = async () => {
      const current = readSession();
      if (!current) return null;
      if (current.refreshToken !== stale.refreshToken) return current;
      let response: Response;
      try {
        response = await fetch(`${API}/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': i18n.language },
          body: JSON.stringify({ refreshToken: current.refreshToken }),
        });
      } catch (error) {
        throw new NetworkError(error);
      }
      if (response.status === 401) return writeSession(null);
      if (!response.ok) throw new ApiError(response.status, await readProblem(response));
      return writeSession(await response.json());
    };
    try {
      return navigator.locks ? await navigator.locks.request('oc-refresh', run) : await run();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function send(path: string, options: RequestOptions, session: Session | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'accept-language': i18n.language, ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (session && !options.anonymous) headers.authorization = `Bearer ${session.accessToken}`;
  try {
    return await fetch(withQuery(`${API}${path}`, options.query), { method: options.method ?? 'GET', headers, body, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError(error);
  }
}

/** Calls the API; refreshes an expired access token once; throws ApiError (problem+json) or NetworkError. */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  let session = options.anonymous ? null : readSession();
  if (session && session.accessExpiresAt - Date.now() < 30_000) {
    // Offline: keep the old token; a cached answer (service worker) may still serve the request.
    session = (await refreshSession(session).catch(() => session)) ?? null;
  }
  let response = await send(path, options, session);
  if (response.status === 401 && session && !options.anonymous) {
    session = await refreshSession(session);
    if (!session) throw new ApiError(401, await readProblem(response));
    response = await send(path, options, session);
  }
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiResponse(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Downloads a file the API serves (export, template) and hands it to the browser as a download. */
export async function download(path: string, fallbackName: string, query?: RequestOptions['query']): Promise<void> {
  const response = await apiResponse(path, { query, headers: { accept: '*/*' } });
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1] ?? match[2]) : fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
