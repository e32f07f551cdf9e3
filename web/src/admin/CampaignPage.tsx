import { Anchor, Button, Card, Group, Progress, Select, SimpleGrid, Stack, Table, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../api/client';
import type { Campaign, CampaignProgress, ContentItem, Page } from '../api/types';
import { formatDateTime, formatNumber } from '../components/format';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, QueryState } from '../components/states';
import { CampaignStatus } from './CampaignsPage';

const CATEGORIES = ['good_example', 'official_information', 'event', 'other'];

interface CampaignPreview {
  items: number;
  organisations: number;
  organisationsWithoutChannel: number;
  channels: number;
  collaborators: number;
  tasks: { channel: number; personal: number; total: number };
}

/** What a launch would create now, counted by the API with the fan-out's own targeting rule. */
function LaunchPreview({ campaignId, itemCount }: { campaignId: string; itemCount: number }) {
  const { t, i18n } = useTranslation();
  const preview = useQuery({
    queryKey: ['campaign', campaignId, 'preview', itemCount],
    queryFn: () => api<CampaignPreview>(`/campaigns/${campaignId}/preview`),
  });
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <Card withBorder data-testid="launch-preview">
      <Title order={3} size="h5">
        {t('campaigns.previewTitle')}
      </Title>
      <QueryState query={preview}>
        {(p) => (
          <Stack gap={4}>
            <Text fw={700} size="lg">
              {t('campaigns.previewTasks', { total: n(p.tasks.total), channel: n(p.tasks.channel), personal: n(p.tasks.personal) })}
            </Text>
            <Text size="sm">{t('campaigns.previewReach', { organisations: n(p.organisations), channels: n(p.channels), collaborators: n(p.collaborators), items: n(p.items) })}</Text>
            {p.organisationsWithoutChannel > 0 && (
              <Text size="sm" c="orange.9">
                {t('campaigns.previewNoChannel', { count: p.organisationsWithoutChannel })}
              </Text>
            )}
          </Stack>
        )}
      </QueryState>
    </Card>
  );
}

function AddItem({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const [caption, setCaption] = useState('');
  const [hashtags, setHashtags] = useState<string[]>([]);
  const [category, setCategory] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () =>
      api<ContentItem>(`/campaigns/${campaignId}/items`, {
        method: 'POST',
        body: { url: url.trim(), title: title.trim(), caption: caption.trim() || undefined, hashtags, ...(category ? { category } : {}) },
      }),
    onSuccess: () => {
      setUrl('');
      setTitle('');
      setCaption('');
      setHashtags([]);
      void queryClient.invalidateQueries({ queryKey: ['campaign', campaignId] });
    },
  });
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => (e.preventDefault(), add.mutate())}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('campaigns.itemUrl')} type="url" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
          <TextInput label={t('campaigns.itemTitle')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        </SimpleGrid>
        <Textarea label={t('campaigns.caption')} value={caption} onChange={(e) => setCaption(e.currentTarget.value)} autosize minRows={2} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TagsInput label={t('campaigns.hashtags')} value={hashtags} onChange={setHashtags} />
          <Select label={t('campaigns.category')} data={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))} value={category} onChange={setCategory} clearable />
        </SimpleGrid>
        {add.error && <ErrorAlert error={add.error} />}
        <Group>
          <Button type="submit" variant="light" loading={add.isPending} disabled={!url.trim() || !title.trim()}>
            {t('campaigns.addItem')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function ProgressPanel({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const live = campaign.status === 'active' || campaign.status === 'scheduled';
  const query = useQuery({
    queryKey: ['campaign', campaign.id, 'progress'],
    queryFn: () => api<CampaignProgress>(`/campaigns/${campaign.id}/progress`),
    // Fast while tasks are being given out, then calmly.
    refetchInterval: (q) => (live && !q.state.data?.fannedOutAt ? 1500 : live ? 15_000 : false),
  });
  const lang = i18n.language;
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        {t('campaigns.progress')}
      </Title>
      <QueryState query={query}>
        {(p) => (
          <Stack gap="sm" data-testid="campaign-progress">
            <Text size="sm" role="status">
              {p.fannedOutAt ? t('campaigns.fannedOut', { at: formatDateTime(p.fannedOutAt, lang) }) : t('campaigns.fanningOut')}
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 5 }}>
              {(['total', 'pending', 'done', 'unable', 'expired'] as const).map((k) => (
                <div key={k}>
                  <Text size="xs" c="dimmed">
                    {k === 'total' ? t('campaigns.total') : t(`report.${k}`)}
                  </Text>
                  <Text fw={700} size="lg" data-testid={`progress-${k}`}>
                    {formatNumber(p[k], lang)}
                  </Text>
                </div>
              ))}
            </SimpleGrid>
            <Progress.Root size="lg" aria-label={t('report.completionRate')}>
              <Progress.Section value={p.total ? (p.done / p.total) * 100 : 0} color="green" />
              <Progress.Section value={p.total ? (p.unable / p.total) * 100 : 0} color="gray" />
            </Progress.Root>
            {p.organisations.length > 0 && (
              <Table.ScrollContainer minWidth={480}>
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('report.unit')}</Table.Th>
                      <Table.Th ta="right">{t('campaigns.total')}</Table.Th>
                      <Table.Th ta="right">{t('report.done')}</Table.Th>
                      <Table.Th ta="right">{t('report.pending')}</Table.Th>
                      <Table.Th w="30%">{t('report.completionRate')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {p.organisations.map((o) => (
                      <Table.Tr key={o.organisationId}>
                        <Table.Td>{o.name}</Table.Td>
                        <Table.Td ta="right">{o.total}</Table.Td>
                        <Table.Td ta="right">{o.done}</Table.Td>
                        <Table.Td ta="right">{o.pending}</Table.Td>
                        <Table.Td>
                          <Progress value={o.total ? (o.done / o.total) * 100 : 0} aria-label={`${o.name}: ${o.done}/${o.total}`} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        )}
      </QueryState>
    </Card>
  );
}

export function CampaignPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const campaign = useQuery({ queryKey: ['campaign', id], queryFn: () => api<Campaign>(`/campaigns/${id}`) });
  const items = useQuery({ queryKey: ['campaign', id, 'items'], queryFn: () => api<Page<ContentItem> | ContentItem[]>(`/campaigns/${id}/items`) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['campaign', id] });
  const launch = useMutation({
    mutationFn: () => api<Campaign>(`/campaigns/${id}/launch`, { method: 'POST' }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('campaigns.launched') });
      refresh();
    },
  });
  const close = useMutation({ mutationFn: () => api<Campaign>(`/campaigns/${id}/close`, { method: 'POST' }), onSuccess: refresh });
  const itemList = (data: Page<ContentItem> | ContentItem[] | undefined) => (Array.isArray(data) ? data : (data?.items ?? []));

  return (
    <QueryState query={campaign}>
      {(c) => (
        <Stack>
          <PageTitle
            actions={
              <>
                <CampaignStatus status={c.status} />
                {c.status === 'draft' && (
                  <Button onClick={() => window.confirm(t('campaigns.confirmLaunch')) && launch.mutate()} loading={launch.isPending} disabled={itemList(items.data).length === 0}>
                    {t('campaigns.launch')}
                  </Button>
                )}
                {(c.status === 'active' || c.status === 'scheduled') && (
                  <Button variant="default" onClick={() => close.mutate()} loading={close.isPending}>
                    {t('campaigns.close')}
                  </Button>
                )}
              </>
            }
          >
            {c.title}
          </PageTitle>
          {launch.error && <ErrorAlert error={launch.error} />}
          {close.error && <ErrorAlert error={close.error} />}
          <Text size="sm">
            {t('campaigns.deadline')}: {formatDateTime(c.deadline, i18n.language)}
            {c.startsAt ? ` · ${t('campaigns.startsAt')}: ${formatDateTime(c.startsAt, i18n.language)}` : ''}
          </Text>
          {c.status === 'draft' && <LaunchPreview campaignId={c.id} itemCount={itemList(items.data).length} />}
          {c.status !== 'draft' && <ProgressPanel campaign={c} />}
          <Card withBorder>
            <Title order={3} size="h4" mb="sm">
              {t('campaigns.items')}
            </Title>
            <QueryState query={items} empty={t('campaigns.noItems')} isEmpty={(d) => itemList(d).length === 0}>
              {(d) => (
                <Stack gap="xs" component="ol" style={{ paddingLeft: 20 }}>
                  {itemList(d).map((item) => (
                    <li key={item.id}>
                      <Anchor href={item.url} target="_blank" rel="noopener noreferrer">
                        {item.title}
                      </Anchor>
                      {item.caption && (
                        <Text size="sm" c="dimmed">
                          {item.caption}
                        </Text>
                      )}
                    </li>
                  ))}
                </Stack>
              )}
            </QueryState>
          </Card>
          {c.status === 'draft' && <AddItem campaignId={id} />}
        </Stack>
      )}
    </QueryState>
  );
}
