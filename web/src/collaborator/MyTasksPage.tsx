import { Alert, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Page, Task } from '../api/types';
import { PageTitle } from '../components/Layout';
import { QueryState } from '../components/states';
import { useOutboxSync, useQueuedCompletions } from '../offline/use-outbox';
import { TaskCard } from './TaskCard';

const URL_IN_TEXT = /https?:\/\/\S+/;

/** A link shared into the app (Web Share Target): the proof to paste. */
function sharedProofUrl(params: URLSearchParams): string | null {
  const direct = params.get('sharedUrl');
  if (direct) return direct;
  const inText = URL_IN_TEXT.exec(`${params.get('sharedText') ?? ''} ${params.get('sharedTitle') ?? ''}`);
  return inText ? inText[0] : null;
}

export function MyTasksPage() {
  const { t } = useTranslation();
  useOutboxSync();
  const queued = useQueuedCompletions();
  const [params] = useSearchParams();
  const shared = sharedProofUrl(params);
  const [show, setShow] = useState<'open' | 'all'>('open');
  const query = useQuery({ queryKey: ['my-tasks'], queryFn: () => api<Page<Task>>('/me/tasks', { query: { limit: 200 } }) });
  const queuedById = useMemo(() => new Map(queued.map((q) => [q.taskId, q])), [queued]);

  return (
    <Stack gap="md" maw={720} mx="auto">
      <PageTitle>{t('tasks.title')}</PageTitle>
      {shared && (
        <Alert color="blue" title={t('tasks.sharedTitle')}>
          <Text size="sm" style={{ wordBreak: 'break-all' }}>
            {t('tasks.sharedHint', { url: shared })}
          </Text>
        </Alert>
      )}
      {queued.length > 0 && (
        <Alert color="yellow" role="status" data-testid="outbox-banner">
          {t('tasks.queuedBanner', { count: queued.length })}
        </Alert>
      )}
      <SegmentedControl
        value={show}
        onChange={(v) => setShow(v as 'open' | 'all')}
        aria-label={t('tasks.filter')}
        data={[
          { value: 'open', label: t('tasks.showOpen') },
          { value: 'all', label: t('tasks.showAll') },
        ]}
      />
      <QueryState query={query}>
        {(page) => {
          // The API orders them: open first, nearest deadline first.
          const tasks = show === 'open' ? page.items.filter((task) => task.status === 'pending') : page.items;
          if (tasks.length === 0) return <Text c="dimmed" ta="center" py="xl">{show === 'open' ? t('tasks.noneOpen') : t('tasks.none')}</Text>;
          return (
            <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {tasks.map((task) => (
                <li key={task.id}>
                  <TaskCard task={task} queued={queuedById.get(task.id)} sharedUrl={shared} />
                </li>
              ))}
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}
