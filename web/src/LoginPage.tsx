import { Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from './auth/auth';
import { LanguageSwitch } from './components/Layout';
import { ErrorAlert } from './components/states';

export function LoginPage() {
  const { t } = useTranslation();
  const { login } = useAuth();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(name.trim(), password);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder shadow="sm" p="lg" w="100%" maw={400} component="main">
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Group justify="space-between">
              <Title order={1} size="h3" c="red.9">
                {t('app.name')}
              </Title>
              <LanguageSwitch />
            </Group>
            <Text c="dimmed" size="sm">
              {t('login.intro')}
            </Text>
            {error !== null && <ErrorAlert error={error} />}
            <TextInput label={t('login.name')} name="login" autoComplete="username" autoCapitalize="none" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <PasswordInput label={t('login.password')} name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={busy} disabled={!name || !password}>
              {t('login.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
