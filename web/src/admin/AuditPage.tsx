import { Button, Code, Group, Stack, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download } from '../api/client';
import type { Page } from '../api/types';
import { formatDateTime } from '../components/format';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, Loading } from '../components/states';

interface AuditRow {
  id: string;
  at: string;
  actorLogin: string | null;
  action: string;
  entity: string;
  entityId: string | null;
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [action, setAction] = useState('');
  const [filter] = useDebouncedValue(action.trim(), 400);
  const query = useInfiniteQuery({
    queryKey: ['audit', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<Page<AuditRow>>('/audit', { query: { action: filter, limit: 50, cursor: pageParam } }),
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <PageTitle
        actions={
          <Button variant="light" size="xs" leftSection={<IconDownload size={14} aria-hidden />} onClick={() => void download('/audit/export', 'audit.xlsx', { format: 'xlsx', action: filter })}>
            Excel
          </Button>
        }
      >
        {t('audit.title')}
      </PageTitle>
      <TextInput label={t('audit.filterAction')} placeholder="user.create" value={action} onChange={(e) => setAction(e.currentTarget.value)} />
      {query.isPending ? (
        <Loading />
      ) : query.error ? (
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.at')}</Table.Th>
                <Table.Th>{t('audit.actor')}</Table.Th>
                <Table.Th>{t('audit.action')}</Table.Th>
                <Table.Th>{t('audit.entity')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{formatDateTime(r.at, i18n.language)}</Table.Td>
                  <Table.Td>{r.actorLogin ?? '—'}</Table.Td>
                  <Table.Td>
                    <Code>{r.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    {r.entity}
                    {r.entityId ? ` · ${r.entityId.slice(0, 8)}` : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {query.hasNextPage && (
        <Group>
          <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {t('audit.more')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
