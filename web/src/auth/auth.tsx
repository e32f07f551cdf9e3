import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { onSessionChange, readSession, writeSession, type Session } from '../api/session';
import type { Me, UserView } from '../api/types';
import { clearOutbox } from '../offline/completion-outbox';

interface AuthState {
  session: Session | null;
  me: Me | undefined;
  meLoading: boolean;
  meError: unknown;
  login(login: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** What the service worker kept for offline reading belongs to the person who logged out. */
async function forgetDeviceData(): Promise<void> {
  await clearOutbox().catch(() => undefined);
  if ('caches' in window) await caches.delete('oc-api').catch(() => undefined);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(readSession);
  const queryClient = useQueryClient();
  useEffect(() => onSessionChange(setSession), []);

  const meQuery = useQuery({ queryKey: ['me', session ? 'in' : 'out'], queryFn: () => api<Me>('/me'), enabled: Boolean(session), staleTime: 5 * 60_000 });

  const login = useCallback(
    async (loginName: string, password: string) => {
      const pair = await api<{ accessToken: string; refreshToken: string; expiresIn: number; user: UserView }>('/auth/login', {
        method: 'POST',
        anonymous: true,
        body: { login: loginName, password },
      });
      queryClient.clear();
      writeSession(pair);
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    const current = readSession();
    if (current) await api('/auth/logout', { method: 'POST', body: { refreshToken: current.refreshToken } }).catch(() => undefined);
    writeSession(null);
    queryClient.clear();
    await forgetDeviceData();
  }, [queryClient]);

  const value = useMemo<AuthState>(
    () => ({ session, me: meQuery.data, meLoading: meQuery.isPending && Boolean(session), meError: meQuery.error, login, logout }),
    [session, meQuery.data, meQuery.isPending, meQuery.error, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

export function homeFor(role: Me['role'] | undefined): string {
  if (role === 'admin') return '/manage/campaigns';
  if (role === 'secretary') return '/unit';
  return '/tasks';
}
