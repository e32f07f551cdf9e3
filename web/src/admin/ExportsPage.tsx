import { Badge, Button, Card, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportJob } from '../api/types';
import { requestAndDownload, type ExportRequest } from '../components/exports';
import { PageTitle } from '../components/Layout';
import { ErrorAlert } from '../components/states';

interface Row {
  key: number;
  request: ExportRequest;
  job?: ExportJob;
  error?: unknown;
}

export function ExportsPage() {
  const { t } = useTranslation();
  const [report, setReport] = useState<ExportRequest['report']>('organisations');
  const [format, setFormat] = useState<ExportRequest['format']>('xlsx');
  const [period, setPeriod] = useState<string>('month');
  const [rows, setRows] = useState<Row[]>([]);
  const update = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  function start() {
    const key = Date.now();
    const request: ExportRequest = { report, format, filters: { period } };
    setRows((rs) => [{ key, request }, ...rs]);
    requestAndDownload(request, (job) => update(key, { job }))
      .then((job) => update(key, { job }))
      .catch((error: unknown) => update(key, { error }));
  }

  return (
    <Stack>
      <PageTitle>{t('exports.title')}</PageTitle>
      <Card withBorder>
        <Group grow align="flex-end">
          <Select label={t('exports.report')} value={report} onChange={(v) => v && setReport(v as ExportRequest['report'])} allowDeselect={false} data={[{ value: 'organisations', label: t('exports.organisations') }, { value: 'collaborators', label: t('exports.collaborators') }]} />
          <Select label={t('exports.format')} value={format} onChange={(v) => v && setFormat(v as ExportRequest['format'])} allowDeselect={false} data={['xlsx', 'csv', 'pdf']} />
          <Select label={t('ranking.period')} value={period} onChange={(v) => v && setPeriod(v)} allowDeselect={false} data={(['week', 'month', 'quarter', 'year'] as const).map((p) => ({ value: p, label: t(`period.${p}`) }))} />
          <Button onClick={start}>{t('exports.request')}</Button>
        </Group>
      </Card>
      {rows.length === 0 ? (
        <Text c="dimmed">{t('exports.none')}</Text>
      ) : (
        <Table>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.key}>
                <Table.Td>{t(`exports.${r.request.report}`)}</Table.Td>
                <Table.Td>{r.request.format.toUpperCase()}</Table.Td>
                <Table.Td>{r.error ? <ErrorAlert error={r.error} /> : <Badge color={r.job?.status === 'ready' ? 'green' : 'blue'}>{t(`exports.status.${r.job?.status ?? 'queued'}`)}</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
