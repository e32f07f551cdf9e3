import { ActionIcon, Alert, AppShell, Burger, Group, NavLink, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useNetwork } from '@mantine/hooks';
import { IconLogout, IconWifiOff } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterNavLink, useLocation } from 'react-router';
import { useAuth } from '../auth/auth';
import { setLanguage, type Language } from '../i18n/i18n';

export interface NavItem {
  to: string;
  label: string;
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('nav.language')}
      value={i18n.language}
      onChange={(v) => setLanguage(v as Language)}
      data={[
        { value: 'vi', label: 'VI' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}

export function OfflineBanner() {
  const { t } = useTranslation();
  const { online } = useNetwork();
  if (online) return null;
  return (
    <Alert color="yellow" icon={<IconWifiOff aria-hidden />} mb="md" role="status" data-testid="offline-banner">
      {t('offline.banner')}
    </Alert>
  );
}

export function Layout({ nav, children }: { nav: NavItem[]; children: ReactNode }) {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const hasNav = nav.length > 1;
  return (
    <AppShell header={{ height: 56 }} navbar={hasNav ? { width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } } : undefined} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            {hasNav && <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />}
            <Title order={1} size="h4" c="red.9">
              {t('app.name')}
            </Title>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch />
            <ActionIcon variant="subtle" color="gray" size="lg" onClick={() => void logout()} aria-label={t('nav.logout')} title={t('nav.logout')}>
              <IconLogout aria-hidden />
            </ActionIcon>
          </Group>
        </Group>
      </AppShell.Header>
      {hasNav && (
        <AppShell.Navbar p="sm" aria-label={t('nav.main')}>
          <Stack gap={2}>
            {nav.map((item) => (
              <NavLink
                key={item.to}
                component={RouterNavLink}
                to={item.to}
                label={item.label}
                active={location.pathname === item.to || location.pathname.startsWith(`${item.to}/`)}
                onClick={close}
              />
            ))}
          </Stack>
          <Text size="xs" c="dimmed" mt="auto">
            {me?.user.displayName ?? me?.user.login}
            {me?.organisation ? ` · ${me.organisation.name}` : ''}
          </Text>
        </AppShell.Navbar>
      )}
      <AppShell.Main>
        <OfflineBanner />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="wrap" gap="sm">
      <Title order={2} size="h3">
        {children}
      </Title>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}

