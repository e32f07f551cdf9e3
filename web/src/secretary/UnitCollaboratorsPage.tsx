import { Badge, Button, Card, Group, SimpleGrid, Stack, Table, TagsInput, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Collaborator, Page } from '../api/types';
import { useAuth } from '../auth/auth';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, QueryState } from '../components/states';

function AddCollaborator({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ code: '', fullName: '', phone: '', email: '' });
  const [tags, setTags] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      api<Collaborator>('/collaborators', {
        method: 'POST',
        body: { organisationId, code: form.code.trim(), fullName: form.fullName.trim(), phone: form.phone.trim() || undefined, email: form.email.trim() || undefined, tags },
      }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('people.added') });
      setForm({ code: '', fullName: '', phone: '', email: '' });
      setTags([]);
      void queryClient.invalidateQueries({ queryKey: ['collaborators'] });
    },
  });
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: { currentTarget: { value: string } }) => setForm({ ...form, [key]: e.currentTarget.value }) });
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('people.code')} required {...field('code')} />
          <TextInput label={t('people.fullName')} required {...field('fullName')} />
          <TextInput label={t('people.phone')} type="tel" {...field('phone')} />
          <TextInput label={t('people.email')} type="email" {...field('email')} />
        </SimpleGrid>
        <TagsInput label={t('people.tags')} value={tags} onChange={setTags} />
        {create.error && <ErrorAlert error={create.error} />}
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!form.code.trim() || !form.fullName.trim()}>
            {t('people.add')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function UnitCollaboratorsPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const organisationId = me?.organisation?.id ?? '';
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q, 300);
  const query = useQuery({
    queryKey: ['collaborators', organisationId, search],
    queryFn: () => api<Page<Collaborator>>('/collaborators', { query: { organisationId, q: search, limit: 200 } }),
    enabled: Boolean(organisationId),
  });
  const deactivate = useMutation({
    mutationFn: (id: string) => api(`/collaborators/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      notifications.show({ color: 'gray', message: t('people.deactivated') });
      void queryClient.invalidateQueries({ queryKey: ['collaborators'] });
    },
  });
  return (
    <Stack>
      <PageTitle>{t('people.title')}</PageTitle>
      <AddCollaborator organisationId={organisationId} />
      <TextInput label={t('action.search')} placeholder={t('directory.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
      {deactivate.error && <ErrorAlert error={deactivate.error} />}
      <QueryState query={query} empty={t('people.none')} isEmpty={(p) => p.items.length === 0}>
        {(page) => (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('people.code')}</Table.Th>
                  <Table.Th>{t('people.fullName')}</Table.Th>
                  <Table.Th>{t('people.organisation')}</Table.Th>
                  <Table.Th>{t('people.phone')}</Table.Th>
                  <Table.Th>{t('people.tags')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>{c.code}</Table.Td>
                    <Table.Td>{c.fullName}</Table.Td>
                    <Table.Td>{c.organisation?.name}</Table.Td>
                    <Table.Td>{c.phone ?? '—'}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {c.tags.map((tag) => (
                          <Badge key={tag} variant="light" size="sm">
                            {tag}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {c.active && (
                        <Button size="xs" variant="subtle" color="gray" onClick={() => window.confirm(t('people.confirmDeactivate', { name: c.fullName })) && deactivate.mutate(c.id)}>
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
