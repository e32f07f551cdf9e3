import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, MultiSelect, Stack, Switch, Table, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import { CHANNEL_PLATFORMS, type Campaign, type Page } from '../api/types';
import { formatDateTime } from '../components/format';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, Loading, QueryState } from '../components/states';
import { useAllOrganisations } from './organisations';
import { OrganisationTree } from './OrganisationTree';

const STATUS_COLOR: Record<Campaign['status'], string> = { draft: 'gray', scheduled: 'blue', active: 'green', closed: 'dark' };

export function CampaignStatus({ status }: { status: Campaign['status'] }) {
  const { t } = useTranslation();
  return <Badge color={STATUS_COLOR[status]}>{t(`campaigns.status.${status}`)}</Badge>;
}

/** datetime-local (the browser's local time) to ISO 8601. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

function NewCampaign() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const organisations = useAllOrganisations();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [deadline, setDeadline] = useState('');
  const [reviewRequired, setReviewRequired] = useState(false);
  const [organisationIds, setOrganisationIds] = useState<string[]>([]);
  const [includeSubtree, setIncludeSubtree] = useState(true);
  const [platforms, setPlatforms] = useState<string[]>([]);
  const [personalShares, setPersonalShares] = useState(false);
  const [tags, setTags] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      api<Campaign>('/campaigns', {
        method: 'POST',
        body: {
          title: title.trim(),
          description: description.trim() || undefined,
          startsAt: toIso(startsAt),
          deadline: toIso(deadline),
          reviewRequired,
          targets: {
            ...(organisationIds.length ? { organisationIds } : {}),
            includeSubtree,
            ...(platforms.length ? { platforms } : {}),
            personalShares,
            ...(tags.length ? { collaboratorTags: tags } : {}),
          },
        },
      }),
    onSuccess: (campaign) => navigate(`/manage/campaigns/${campaign.id}`),
  });
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())} aria-labelledby="new-campaign">
      <Stack gap="sm">
        <Title order={3} size="h4" id="new-campaign">
          {t('campaigns.new')}
        </Title>
        <TextInput label={t('campaigns.name')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <Textarea label={t('campaigns.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
        <Group grow align="flex-start">
          <TextInput label={t('campaigns.startsAt')} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.currentTarget.value)} />
          <TextInput label={t('campaigns.deadline')} type="datetime-local" required value={deadline} onChange={(e) => setDeadline(e.currentTarget.value)} />
        </Group>
        <Checkbox label={t('campaigns.reviewRequired')} checked={reviewRequired} onChange={(e) => setReviewRequired(e.currentTarget.checked)} />
        <Title order={4} size="h5">
          {t('campaigns.targets')}
        </Title>
        <Text size="sm" fw={500}>
          {t('campaigns.orgTree')}
        </Text>
        {organisations.isPending ? <Loading /> : organisations.error ? <ErrorAlert error={organisations.error} /> : <OrganisationTree organisations={organisations.data ?? []} selected={organisationIds} onChange={setOrganisationIds} />}
        <Text size="sm" c="dimmed">
          {t('campaigns.selectedUnits', { count: organisationIds.length })}
        </Text>
        <Switch label={t('campaigns.includeSubtree')} checked={includeSubtree} onChange={(e) => setIncludeSubtree(e.currentTarget.checked)} />
        <MultiSelect label={t('campaigns.platforms')} data={CHANNEL_PLATFORMS.map((p) => ({ value: p, label: t(`platform.${p}`) }))} value={platforms} onChange={setPlatforms} clearable />
        <Switch label={t('campaigns.personalShares')} checked={personalShares} onChange={(e) => setPersonalShares(e.currentTarget.checked)} />
        <TagsInput label={t('campaigns.tags')} value={tags} onChange={setTags} />
        <Alert color="gray" variant="light">
          {t('campaigns.noPreview')}
        </Alert>
        {create.error && <ErrorAlert error={create.error} />}
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!title.trim() || !deadline}>
            {t('action.create')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function CampaignsPage() {
  const { t, i18n } = useTranslation();
  const [creating, setCreating] = useState(false);
  const query = useQuery({ queryKey: ['campaigns'], queryFn: () => api<Page<Campaign>>('/campaigns', { query: { limit: 200 } }) });
  return (
    <Stack>
      <PageTitle actions={<Button onClick={() => setCreating((v) => !v)}>{creating ? t('action.cancel') : t('campaigns.new')}</Button>}>{t('campaigns.title')}</PageTitle>
      {creating && <NewCampaign />}
      <QueryState query={query} empty={t('campaigns.none')} isEmpty={(p) => p.items.length === 0}>
        {(page) => (
          <Table.ScrollContainer minWidth={520}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('campaigns.name')}</Table.Th>
                  <Table.Th>{t('campaigns.deadline')}</Table.Th>
                  <Table.Th>{t('campaigns.progress')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/manage/campaigns/${c.id}`}>
                        {c.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{formatDateTime(c.deadline, i18n.language)}</Table.Td>
                    <Table.Td>
                      <CampaignStatus status={c.status} />
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
