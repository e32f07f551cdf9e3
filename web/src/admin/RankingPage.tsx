import { Button, Card, Group, Select, Stack, Table, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { ORGANISATION_KINDS, type OrganisationReportRow } from '../api/types';
import { requestAndDownload } from '../components/exports';
import { formatPercent } from '../components/format';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, QueryState } from '../components/states';

const PERIODS = ['week', 'month', 'quarter', 'year'] as const;

export function RankingPage() {
  const { t, i18n } = useTranslation();
  const [period, setPeriod] = useState<string>('month');
  const [kind, setKind] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const query = useQuery({
    queryKey: ['ranking', period, kind],
    queryFn: () => api<{ items: OrganisationReportRow[] }>('/reports/organisations', { query: { period, kind } }),
  });
  async function exportAs(format: 'xlsx' | 'csv' | 'pdf') {
    setBusy(format);
    setExportError(null);
    try {
      await requestAndDownload({ report: 'organisations', format, filters: { period, kind: kind ?? undefined } });
    } catch (error) {
      setExportError(error);
    } finally {
      setBusy(null);
    }
  }
  const lang = i18n.language;
  return (
    <Stack>
      <PageTitle
        actions={(['xlsx', 'csv', 'pdf'] as const).map((f) => (
          <Button key={f} variant="light" size="xs" leftSection={<IconDownload size={14} aria-hidden />} loading={busy === f} onClick={() => void exportAs(f)}>
            {f.toUpperCase()}
          </Button>
        ))}
      >
        {t('ranking.title')}
      </PageTitle>
      <Group grow>
        <Select label={t('ranking.period')} value={period} onChange={(v) => v && setPeriod(v)} allowDeselect={false} data={PERIODS.map((p) => ({ value: p, label: t(`period.${p}`) }))} />
        <Select label={t('ranking.kind')} value={kind} onChange={setKind} clearable placeholder={t('ranking.all')} data={ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} />
      </Group>
      {exportError !== null && <ErrorAlert error={exportError} />}
      <QueryState query={query} empty={t('state.empty')} isEmpty={(d) => d.items.length === 0}>
        {(data) => {
          const ranked = [...data.items].sort((a, b) => a.rank - b.rank || (b.completionRate ?? -1) - (a.completionRate ?? -1));
          const top = ranked.filter((r) => r.assigned > 0).slice(0, 20).map((r) => ({ name: r.code, rate: Math.round((r.completionRate ?? 0) * 1000) / 10 }));
          return (
            <>
              <Card withBorder>
                <Title order={3} size="h5" mb="sm">
                  {t('ranking.chart')}
                </Title>
                <div style={{ width: '100%', height: 280 }} role="img" aria-label={`${t('ranking.chart')}: ${top.map((d) => `${d.name} ${d.rate}%`).join(', ')}`}>
                  <ResponsiveContainer>
                    <BarChart data={top} margin={{ top: 8, right: 8, left: -16, bottom: 24 }}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="name" fontSize={11} angle={-35} textAnchor="end" interval={0} />
                      <YAxis domain={[0, 100]} unit="%" fontSize={12} />
                      <Tooltip />
                      <Bar dataKey="rate" name={t('report.completionRate')} fill="#c62828" radius={[4, 4, 0, 0]} />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </Card>
              <Table.ScrollContainer minWidth={640}>
                <Table striped data-testid="ranking-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('report.rank')}</Table.Th>
                      <Table.Th>{t('report.unit')}</Table.Th>
                      <Table.Th ta="right">{t('report.assigned')}</Table.Th>
                      <Table.Th ta="right">{t('report.done')}</Table.Th>
                      <Table.Th ta="right">{t('report.late')}</Table.Th>
                      <Table.Th ta="right">{t('report.completionRate')}</Table.Th>
                      <Table.Th ta="right">{t('report.onTimeRate')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {ranked.map((r) => (
                      <Table.Tr key={r.organisationId}>
                        <Table.Td>{r.rank}</Table.Td>
                        <Table.Td>{r.name}</Table.Td>
                        <Table.Td ta="right">{r.assigned}</Table.Td>
                        <Table.Td ta="right">{r.done}</Table.Td>
                        <Table.Td ta="right">{r.late}</Table.Td>
                        <Table.Td ta="right">{formatPercent(r.completionRate, lang)}</Table.Td>
                        <Table.Td ta="right">{formatPercent(r.onTimeRate, lang)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </>
          );
        }}
      </QueryState>
    </Stack>
  );
}
