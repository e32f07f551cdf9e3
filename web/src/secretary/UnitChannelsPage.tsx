import { Anchor, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Table, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { CHANNEL_PLATFORMS, type Channel, type Page } from '../api/types';
import { useAuth } from '../auth/auth';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, QueryState } from '../components/states';

export function UnitChannelsPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const organisationId = me?.organisation?.id ?? '';
  const queryClient = useQueryClient();
  const [platform, setPlatform] = useState<string | null>('facebook_page');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [audience, setAudience] = useState<number | string>('');
  const query = useQuery({
    queryKey: ['channels', organisationId],
    queryFn: () => api<Page<Channel>>('/channels', { query: { organisationId, limit: 200 } }),
    enabled: Boolean(organisationId),
  });
  const create = useMutation({
    mutationFn: () =>
      api<Channel>('/channels', { method: 'POST', body: { organisationId, platform, name: name.trim(), url: url.trim(), ...(audience === '' ? {} : { audienceSize: Number(audience) }) } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('channels.added') });
      setName('');
      setUrl('');
      setAudience('');
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    },
  });
  const deactivate = useMutation({
    mutationFn: (id: string) => api(`/channels/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });
  const platforms = CHANNEL_PLATFORMS.map((p) => ({ value: p, label: t(`platform.${p}`) }));
  return (
    <Stack>
      <PageTitle>{t('channels.title')}</PageTitle>
      <Card withBorder component="form" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label={t('channels.platform')} data={platforms} value={platform} onChange={setPlatform} allowDeselect={false} />
            <TextInput label={t('channels.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput label={t('channels.url')} required type="url" value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
            <NumberInput label={t('channels.audience')} min={0} value={audience} onChange={setAudience} />
          </SimpleGrid>
          {create.error && <ErrorAlert error={create.error} />}
          <Group>
            <Button type="submit" loading={create.isPending} disabled={!name.trim() || !url.trim()}>
              {t('channels.add')}
            </Button>
          </Group>
        </Stack>
      </Card>
      {deactivate.error && <ErrorAlert error={deactivate.error} />}
      <QueryState query={query} empty={t('channels.none')} isEmpty={(p) => p.items.length === 0}>
        {(page) => (
          <Table.ScrollContainer minWidth={520}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('channels.name')}</Table.Th>
                  <Table.Th>{t('channels.platform')}</Table.Th>
                  <Table.Th>{t('channels.url')}</Table.Th>
                  <Table.Th ta="right">{t('channels.audience')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>{t(`platform.${c.platform}`, { defaultValue: c.platform })}</Table.Td>
                    <Table.Td>
                      <Anchor href={c.url} target="_blank" rel="noopener noreferrer" size="sm" style={{ wordBreak: 'break-all' }}>
                        {c.url}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right">{c.audienceSize ?? '—'}</Table.Td>
                    <Table.Td>
                      {c.active && (
                        <Button size="xs" variant="subtle" color="gray" onClick={() => deactivate.mutate(c.id)}>
                          {t('action.deactivate')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Stack>
  );
}
