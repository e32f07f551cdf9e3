import { Alert, Button, Card, Checkbox, FileInput, Group, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload, IconUpload } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download } from '../api/client';
import type { Channel, Collaborator, ImportRun, Organisation, Page } from '../api/types';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, Loading, QueryState } from '../components/states';

type Kind = 'organisations' | 'collaborators' | 'channels';

function ImportPanel() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>('collaborators');
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [importId, setImportId] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.set('kind', kind);
      form.set('dryRun', String(dryRun));
      form.set('file', file!, file!.name);
      return api<{ id: string }>('/imports', { method: 'POST', body: form });
    },
    onSuccess: (r) => setImportId(r.id),
  });
  const run = useQuery({
    queryKey: ['import', importId],
    queryFn: () => api<ImportRun>(`/imports/${importId}`),
    enabled: Boolean(importId),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed') ? false : 1000),
  });
  const result = run.data;
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => (e.preventDefault(), upload.mutate())} aria-labelledby="import-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="import-title">
          {t('directory.import')}
        </Title>
        <Group grow align="flex-end">
          <Select
            label={t('directory.importKind')}
            value={kind}
            onChange={(v) => v && setKind(v as Kind)}
            allowDeselect={false}
            data={(['organisations', 'collaborators', 'channels'] as const).map((k) => ({ value: k, label: t(`directory.${k}`) }))}
          />
          <FileInput label={t('directory.importFile')} accept=".xlsx,.csv" value={file} onChange={setFile} clearable leftSection={<IconUpload size={16} aria-hidden />} />
        </Group>
        <Checkbox label={t('directory.dryRun')} checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} />
        <Group>
          <Button type="submit" loading={upload.isPending} disabled={!file}>
            {t('directory.upload')}
          </Button>
          <Button variant="subtle" leftSection={<IconDownload size={16} aria-hidden />} onClick={() => void download(`/imports/templates/${kind}`, `${kind}-template.xlsx`)}>
            {t('directory.template')}
          </Button>
        </Group>
        {upload.error && <ErrorAlert error={upload.error} />}
        {importId && !result && <Loading label={t('directory.importRunning')} />}
        {run.error && <ErrorAlert error={run.error} />}
        {result && (result.status === 'queued' || result.status === 'running') && <Loading label={t('directory.importRunning')} />}
        {result?.status === 'failed' && (
          <Alert color="red" title={t('directory.importFailed')} role="alert">
            {result.failureReason}
          </Alert>
        )}
        {result?.status === 'done' && result.counts && (
          <Stack gap="xs" data-testid="import-result">
            <Alert color={result.counts.rejected ? 'yellow' : 'green'} title={t('directory.importDone')} role="status">
              {t('directory.counts', result.counts)}
            </Alert>
            {result.rejections.length > 0 && (
              <>
                <Text fw={600}>{t('directory.rejected')}</Text>
                <Table.ScrollContainer minWidth={480}>
                  <Table striped data-testid="import-rejections">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('directory.row')}</Table.Th>
                        <Table.Th>{t('directory.column')}</Table.Th>
                        <Table.Th>{t('directory.value')}</Table.Th>
                        <Table.Th>{t('directory.reason')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {result.rejections.map((r, i) => (
                        <Table.Tr key={`${r.row}-${r.column}-${i}`}>
                          <Table.Td>{r.row}</Table.Td>
                          <Table.Td>{r.column}</Table.Td>
                          <Table.Td>{r.value ?? ''}</Table.Td>
                          <Table.Td>{r.reason}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function DirectoryList({ kind }: { kind: Kind }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q, 300);
  const query = useQuery({
    queryKey: ['directory', kind, search],
    queryFn: () => api<Page<Organisation | Collaborator | Channel>>(`/${kind}`, { query: { q: kind === 'channels' ? undefined : search, limit: 100 } }),
  });
  const name = (row: Organisation | Collaborator | Channel) => ('fullName' in row ? row.fullName : row.name);
  const code = (row: Organisation | Collaborator | Channel) => row.code ?? '—';
  return (
    <Stack gap="sm" pt="sm">
      <Group align="flex-end">
        {kind !== 'channels' && <TextInput label={t('action.search')} placeholder={t('directory.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} style={{ flex: 1 }} />}
        <Button variant="light" leftSection={<IconDownload size={16} aria-hidden />} onClick={() => void download(`/${kind}/export`, `${kind}.xlsx`, { format: 'xlsx', q: search || undefined })}>
          {t('directory.export')}
        </Button>
      </Group>
      <QueryState query={query} empty={t('state.empty')} isEmpty={(p) => p.items.length === 0}>
        {(page) => (
          <Table.ScrollContainer minWidth={480}>
            <Table striped>
              <Table.Tbody>
                {page.items.map((row) => (
                  <Table.Tr key={row.id}>
                    <Table.Td>{code(row)}</Table.Td>
                    <Table.Td>{name(row)}</Table.Td>
                    <Table.Td>{'organisation' in row && row.organisation ? row.organisation.name : 'kind' in row ? t(`kind.${row.kind}`, { defaultValue: row.kind }) : ''}</Table.Td>
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

export function DirectoryPage() {
  const { t } = useTranslation();
  return (
    <Stack>
      <PageTitle>{t('directory.title')}</PageTitle>
      <ImportPanel />
      <Tabs defaultValue="collaborators" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="organisations">{t('directory.organisations')}</Tabs.Tab>
          <Tabs.Tab value="collaborators">{t('directory.collaborators')}</Tabs.Tab>
          <Tabs.Tab value="channels">{t('directory.channels')}</Tabs.Tab>
        </Tabs.List>
        {(['organisations', 'collaborators', 'channels'] as const).map((k) => (
          <Tabs.Panel key={k} value={k}>
            <DirectoryList kind={k} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
