import { Badge, Button, Card, Group, PasswordInput, Select, SimpleGrid, Stack, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Page, Role, UserView } from '../api/types';
import { formatDateTime } from '../components/format';
import { PageTitle } from '../components/Layout';
import { ErrorAlert, QueryState } from '../components/states';
import { useAllOrganisations } from './organisations';

const ROLES: Role[] = ['admin', 'secretary', 'collaborator'];

function AddAccount() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const organisations = useAllOrganisations();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('secretary');
  const [organisationId, setOrganisationId] = useState<string | null>(null);
  const [collaboratorId, setCollaboratorId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api<UserView>('/users', {
        method: 'POST',
        body: {
          login: login.trim(),
          password,
          role,
          displayName: displayName.trim() || undefined,
          ...(role === 'secretary' && organisationId ? { organisationId } : {}),
          ...(role === 'collaborator' && collaboratorId.trim() ? { collaboratorId: collaboratorId.trim() } : {}),
        },
      }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('accounts.added') });
      setLogin('');
      setPassword('');
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('accounts.login')} required value={login} onChange={(e) => setLogin(e.currentTarget.value)} autoComplete="off" />
          <PasswordInput label={t('accounts.password')} required value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
          <TextInput label={t('accounts.displayName')} value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <Select label={t('accounts.role')} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          {role === 'secretary' && (
            <Select label={t('accounts.organisation')} searchable value={organisationId} onChange={setOrganisationId} data={(organisations.data ?? []).map((o) => ({ value: o.id, label: `${o.name} (${o.code})` }))} />
          )}
          {role === 'collaborator' && <TextInput label={t('accounts.collaboratorId')} value={collaboratorId} onChange={(e) => setCollaboratorId(e.currentTarget.value)} />}
        </SimpleGrid>
        {create.error && <ErrorAlert error={create.error} />}
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!login.trim() || !password}>
            {t('accounts.add')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function AccountsPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<string | null>(null);
  const [search] = useDebouncedValue(q, 300);
  const query = useQuery({ queryKey: ['users', search, role], queryFn: () => api<Page<UserView>>('/users', { query: { q: search, role, limit: 100 } }) });
  const toggle = useMutation({
    mutationFn: (u: UserView) => api(`/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`, { method: 'POST' }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('accounts.saved') });
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const reset = useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) => api(`/users/${id}/reset-password`, { method: 'POST', body: { password } }),
    onSuccess: () => notifications.show({ color: 'green', message: t('accounts.saved') }),
  });
  return (
    <Stack>
      <PageTitle>{t('accounts.title')}</PageTitle>
      <AddAccount />
      <Group grow>
        <TextInput label={t('action.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        <Select label={t('accounts.role')} value={role} onChange={setRole} clearable data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      </Group>
      {toggle.error && <ErrorAlert error={toggle.error} />}
      {reset.error && <ErrorAlert error={reset.error} />}
      <QueryState query={query} empty={t('state.empty')} isEmpty={(p) => p.items.length === 0}>
        {(page) => (
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('accounts.login')}</Table.Th>
                  <Table.Th>{t('accounts.displayName')}</Table.Th>
                  <Table.Th>{t('accounts.role')}</Table.Th>
                  <Table.Th>{t('accounts.lastLogin')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td>{u.login}</Table.Td>
                    <Table.Td>{u.displayName ?? '—'}</Table.Td>
                    <Table.Td>
                      {t(`role.${u.role}`)} {u.disabled && <Badge color="gray">{t('accounts.disabled')}</Badge>}
                    </Table.Td>
                    <Table.Td>{formatDateTime(u.lastLoginAt, i18n.language)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button size="xs" variant="subtle" onClick={() => toggle.mutate(u)}>
                          {u.disabled ? t('accounts.enable') : t('accounts.disable')}
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="gray"
                          onClick={() => {
                            const password = window.prompt(t('accounts.newPassword'));
                            if (password) reset.mutate({ id: u.id, password });
                          }}
                        >
                          {t('accounts.resetPassword')}
                        </Button>
                      </Group>
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
