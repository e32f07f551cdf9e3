import { Alert, Button, Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import type { UnitReport } from '../api/types';
import { useAuth } from '../auth/auth';
import { formatDateTime, formatNumber, formatPercent } from '../components/format';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, QueryState } from '../components/states';
import { requestAndDownload } from '../components/exports';

const WEEKS = 6;

/** YYYY-MM-DD of the day `weeksAgo` weeks before today, in Asia/Ho_Chi_Minh. */
function dayWeeksAgo(weeksAgo: number): string {
  const d = new Date(Date.now() - weeksAgo * 7 * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(d);
}

function Stat({ label, value, color }: { label: string; value: string; color?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color}>
        {value}
      </Text>
    </Card>
  );
}

function WeeklyChart({ organisationId }: { organisationId: string }) {
  const { t, i18n } = useTranslation();
  const weeks = useQueries({
    queries: Array.from({ length: WEEKS }, (_, i) => WEEKS - 1 - i).map((ago) => ({
      queryKey: ['unit-report', organisationId, 'week', dayWeeksAgo(ago)],
      queryFn: () => api<UnitReport & { period?: { from: string } }>(`/reports/organisations/${organisationId}`, { query: { period: 'week', date: dayWeeksAgo(ago) } }),
    })),
  });
  const failed = weeks.find((w) => w.error);
  if (failed) return <ErrorAlert error={failed.error} onRetry={() => void failed.refetch()} />;
  const data = weeks.map((w, i) => ({
    week: w.data?.period?.from ? w.data.period.from.slice(5) : `-${WEEKS - 1 - i}`,
    rate: w.data?.totals.completionRate !== null && w.data?.totals.completionRate !== undefined ? Math.round(w.data.totals.completionRate * 1000) / 10 : 0,
  }));
  return (
    <Card withBorder>
      <Title order={3} size="h5" mb="sm">
        {t('report.trend')}
      </Title>
      <div style={{ width: '100%', height: 220 }} role="img" aria-label={`${t('report.trend')}: ${data.map((d) => `${d.week} ${d.rate}%`).join(', ')}`}>
        <ResponsiveContainer>
          <BarChart data={data} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="week" fontSize={12} />
            <YAxis domain={[0, 100]} unit="%" fontSize={12} />
            <Tooltip formatter={(v) => `${formatNumber(Number(v), i18n.language)}%`} />
            <Bar dataKey="rate" name={t('report.completionRate')} fill="#c62828" radius={[4, 4, 0, 0]} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

export function UnitDashboardPage() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const organisationId = me?.organisation?.id ?? '';
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const query = useQuery({
    queryKey: ['unit-report', organisationId],
    queryFn: () => api<UnitReport>(`/reports/organisations/${organisationId}`),
    enabled: Boolean(organisationId),
    refetchInterval: 60_000,
  });

  async function downloadExcel() {
    setExporting(true);
    setExportError(null);
    try {
      await requestAndDownload({ report: 'collaborators', format: 'xlsx', filters: { organisationId } });
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  }

  const lang = i18n.language;
  return (
    <Stack>
      <PageTitle
        actions={
          <Button leftSection={<IconDownload size={16} aria-hidden />} loading={exporting} onClick={() => void downloadExcel()}>
            {t('report.downloadExcel')}
          </Button>
        }
      >
        {me?.organisation?.name ?? t('nav.dashboard')}
      </PageTitle>
      {exporting && <Text size="sm" c="dimmed" role="status">{t('report.preparing')}</Text>}
      {exportError !== null && <ErrorAlert error={exportError} />}
      <QueryState query={query}>
        {(report) => (
          <Stack>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <Stat label={t('report.assigned')} value={formatNumber(report.totals.assigned, lang)} />
              <Stat label={t('report.pending')} value={formatNumber(report.totals.pending, lang)} />
              <Stat label={t('report.done')} value={formatNumber(report.totals.done, lang)} color="green.9" />
              <Stat label={t('report.completionRate')} value={formatPercent(report.totals.completionRate, lang)} />
            </SimpleGrid>
            <Card withBorder>
              <Title order={3} size="h5" mb="sm">
                {t('report.byCampaign')}
              </Title>
              {report.campaigns.length === 0 ? (
                <Text c="dimmed">{t('report.noCampaigns')}</Text>
              ) : (
                <Table.ScrollContainer minWidth={560}>
                  <Table striped data-testid="campaign-table">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('report.campaign')}</Table.Th>
                        <Table.Th>{t('campaigns.deadline')}</Table.Th>
                        <Table.Th ta="right">{t('report.assigned')}</Table.Th>
                        <Table.Th ta="right">{t('report.pending')}</Table.Th>
                        <Table.Th ta="right">{t('report.done')}</Table.Th>
                        <Table.Th ta="right">{t('report.late')}</Table.Th>
                        <Table.Th ta="right">{t('report.completionRate')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {report.campaigns.map((c) => (
                        <Table.Tr key={c.campaignId}>
                          <Table.Td>{c.title}</Table.Td>
                          <Table.Td>{formatDateTime(c.deadline, lang)}</Table.Td>
                          <Table.Td ta="right">{c.assigned}</Table.Td>
                          <Table.Td ta="right">{c.pending}</Table.Td>
                          <Table.Td ta="right">{c.done}</Table.Td>
                          <Table.Td ta="right">{c.late}</Table.Td>
                          <Table.Td ta="right">{formatPercent(c.completionRate, lang)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Card>
            <Card withBorder>
              <Title order={3} size="h5" mb="sm">
                {t('report.behind')}
              </Title>
              {report.openTasks.length === 0 ? (
                <Alert color="green">{t('report.noneBehind')}</Alert>
              ) : (
                <Table.ScrollContainer minWidth={420}>
                  <Table striped>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('report.person')}</Table.Th>
                        <Table.Th ta="right">{t('report.open')}</Table.Th>
                        <Table.Th ta="right">{t('report.overdue')}</Table.Th>
                        <Table.Th ta="right">{t('report.maxDaysLate')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {report.openTasks.map((p) => (
                        <Table.Tr key={p.collaboratorId}>
                          <Table.Td>
                            {p.fullName} <Text span size="xs" c="dimmed">({p.code})</Text>
                          </Table.Td>
                          <Table.Td ta="right">{p.open}</Table.Td>
                          <Table.Td ta="right" c={p.overdue > 0 ? 'red.9' : undefined}>
                            {p.overdue}
                          </Table.Td>
                          <Table.Td ta="right">{p.maxDaysLate}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Card>
            <WeeklyChart organisationId={organisationId} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
