import { Anchor, Badge, Button, Card, CopyButton, Group, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconExternalLink, IconShare } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Task } from '../api/types';
import { ErrorAlert } from '../components/states';
import { enqueueCompletion, flushOutbox, type QueuedCompletion } from '../offline/completion-outbox';
import { formatDateTime } from '../components/format';

const canShare = typeof navigator !== 'undefined' && typeof navigator.share === 'function';

function statusBadge(task: Task, queued: boolean, now: number, t: (k: string) => string) {
  if (queued) return <Badge color="yellow">{t('status.queued')}</Badge>;
  if (task.status === 'done') return <Badge color={task.late ? 'orange' : 'green'}>{task.late ? t('status.doneLate') : t('status.done')}</Badge>;
  if (task.status === 'unable') return <Badge color="gray">{t('status.unable')}</Badge>;
  if (task.status === 'expired') return <Badge color="gray">{t('status.expired')}</Badge>;
  const overdue = new Date(task.deadline).getTime() < now;
  return <Badge color={overdue ? 'red' : 'blue'}>{overdue ? t('status.overdue') : t('status.pending')}</Badge>;
}

export function TaskCard({ task, queued, sharedUrl }: { task: Task; queued?: QueuedCompletion; sharedUrl: string | null }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [proofUrl, setProofUrl] = useState(sharedUrl ?? '');
  const [proofError, setProofError] = useState<string | null>(null);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [unableOpen, setUnableOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  // When the list was shown: "overdue" is judged against it (the list refetches on focus).
  const [now] = useState(Date.now);
  const open = task.status === 'pending' && !queued;
  const headingId = `task-${task.id}-title`;

  async function complete(event: FormEvent) {
    event.preventDefault();
    const url = proofUrl.trim();
    if (!/^https?:\/\/\S+$/i.test(url)) {
      setProofError(t('tasks.proofInvalid'));
      return;
    }
    setProofError(null);
    setSubmitError(null);
    setSending(true);
    try {
      await enqueueCompletion(task.id, url);
      if (!navigator.onLine) {
        notifications.show({ color: 'yellow', message: t('tasks.queuedOffline') });
        return;
      }
      const outcomes = await flushOutbox();
      const mine = outcomes.find((o) => o.taskId === task.id);
      if (mine && !mine.ok) setSubmitError(mine.error);
      else if (!mine) notifications.show({ color: 'yellow', message: t('tasks.queuedOffline') });
    } finally {
      setSending(false);
    }
  }

  const unable = useMutation({
    mutationFn: () => api<Task>(`/tasks/${task.id}/unable`, { method: 'POST', body: { reason: reason.trim() } }),
    onSuccess: () => {
      setUnableOpen(false);
      notifications.show({ color: 'gray', message: t('tasks.unableSaved') });
      void queryClient.invalidateQueries({ queryKey: ['my-tasks'] });
    },
  });

  async function share() {
    const text = task.item.shareText.endsWith(task.item.url) ? task.item.shareText.slice(0, -task.item.url.length).trim() : task.item.shareText;
    try {
      await navigator.share({ title: task.item.title, text, url: task.item.url });
    } catch {
      // Closing the share sheet is not an error worth showing.
    }
  }

  return (
    <Card withBorder shadow="xs" padding="md" component="article" aria-labelledby={headingId} data-testid="task-card" data-task-id={task.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2}>
            {task.campaignTitle && (
              <Text size="xs" c="dimmed">
                {task.campaignTitle}
              </Text>
            )}
            <Text fw={600} id={headingId}>
              {task.item.title}
            </Text>
          </Stack>
          {statusBadge(task, Boolean(queued), now, t)}
        </Group>
        <Group gap="xs">
          <Badge variant="light" color="gray">
            {t(`platform.${task.platform}`, { defaultValue: task.platform })}
          </Badge>
          {task.channel && <Text size="sm">{task.channel.name}</Text>}
        </Group>
        <Text size="sm" c={open && new Date(task.deadline).getTime() < now ? 'red.9' : undefined}>
          {t('tasks.deadline')}: {formatDateTime(task.deadline, i18n.language)}
        </Text>
        {open && (
          <>
            <Textarea label={t('tasks.caption')} value={task.item.shareText} readOnly autosize minRows={3} maxRows={10} />
            {/* One button per row on a narrow phone: labels are never cut. */}
            <SimpleGrid cols={{ base: 1, xs: canShare ? 3 : 2 }} spacing="xs">
              <CopyButton value={task.item.shareText}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'filled' : 'light'} color={copied ? 'green' : undefined} leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />} onClick={copy}>
                    {copied ? t('tasks.copied') : t('tasks.copy')}
                  </Button>
                )}
              </CopyButton>
              <Button component="a" href={task.item.url} target="_blank" rel="noopener noreferrer" variant="light" leftSection={<IconExternalLink size={16} aria-hidden />}>
                {t('tasks.openLink')}
              </Button>
              {canShare && (
                <Button variant="light" onClick={() => void share()} leftSection={<IconShare size={16} aria-hidden />}>
                  {t('tasks.share')}
                </Button>
              )}
            </SimpleGrid>
            <form onSubmit={(e) => void complete(e)} noValidate>
              <Stack gap="xs">
                <TextInput
                  label={t('tasks.proofLabel')}
                  description={t('tasks.proofHint')}
                  placeholder="https://"
                  type="url"
                  inputMode="url"
                  value={proofUrl}
                  onChange={(e) => setProofUrl(e.currentTarget.value)}
                  error={proofError}
                />
                {submitError !== null && <ErrorAlert error={submitError} />}
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
                  <Button type="submit" loading={sending}>
                    {t('tasks.markDone')}
                  </Button>
                  <Button variant="subtle" color="gray" onClick={() => setUnableOpen((v) => !v)} aria-expanded={unableOpen}>
                    {t('tasks.couldNot')}
                  </Button>
                </SimpleGrid>
              </Stack>
            </form>
            {unableOpen && (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (reason.trim()) unable.mutate();
                }}
              >
                <Stack gap="xs">
                  <Textarea label={t('tasks.reasonLabel')} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
                  {unable.error && <ErrorAlert error={unable.error} />}
                  <Button type="submit" color="gray" loading={unable.isPending} disabled={!reason.trim()}>
                    {t('tasks.sendReason')}
                  </Button>
                </Stack>
              </form>
            )}
          </>
        )}
        {queued && (
          <Text size="sm" c="yellow.9">
            {t('tasks.queuedCard')}
          </Text>
        )}
        {task.status === 'done' && task.proofUrl && (
          <Text size="sm">
            {t('tasks.proof')}:{' '}
            <Anchor href={task.proofUrl} target="_blank" rel="noopener noreferrer" style={{ wordBreak: 'break-all' }}>
              {task.proofUrl}
            </Anchor>
          </Text>
        )}
        {task.status === 'unable' && task.unableReason && (
          <Text size="sm" c="dimmed">
            {t('tasks.reason')}: {task.unableReason}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
