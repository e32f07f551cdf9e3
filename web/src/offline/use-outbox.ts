import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../components/errors';
import { flushOutbox, onOutboxChange, onOutboxOutcome, queuedCompletions, type QueuedCompletion } from './completion-outbox';

/** The completions waiting on this device, kept up to date. */
export function useQueuedCompletions(): QueuedCompletion[] {
  const [queued, setQueued] = useState<QueuedCompletion[]>([]);
  useEffect(() => {
    let live = true;
    const load = () => void queuedCompletions().then((q) => live && setQueued(q));
    load();
    const off = onOutboxChange(load);
    return () => {
      live = false;
      off();
    };
  }, []);
  return queued;
}

/** Sends queued completions on start, when the network returns and when the app comes back to the front; says what happened. */
export function useOutboxSync(): void {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  useEffect(() => {
    const flush = () => {
      if (navigator.onLine) void flushOutbox().catch(() => undefined);
    };
    const offOutcome = onOutboxOutcome((outcomes) => {
      void queryClient.invalidateQueries({ queryKey: ['my-tasks'] });
      const sent = outcomes.filter((o) => o.ok).length;
      if (sent > 0) notifications.show({ color: 'green', message: t('tasks.sent', { count: sent }) });
      for (const o of outcomes) {
        if (!o.ok) notifications.show({ color: 'red', autoClose: false, title: t('tasks.refused'), message: describeError(o.error, t).title });
      }
    });
    const onVisible = () => document.visibilityState === 'visible' && flush();
    window.addEventListener('online', flush);
    document.addEventListener('visibilitychange', onVisible);
    flush();
    return () => {
      offOutcome();
      window.removeEventListener('online', flush);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [queryClient, t]);
}
