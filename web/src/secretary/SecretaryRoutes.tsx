import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { Layout } from '../components/Layout';
import { UnitChannelsPage } from './UnitChannelsPage';
import { UnitCollaboratorsPage } from './UnitCollaboratorsPage';
import { UnitDashboardPage } from './UnitDashboardPage';

export default function SecretaryRoutes() {
  const { t } = useTranslation();
  const nav = [
    { to: '/unit', label: t('nav.dashboard') },
    { to: '/unit/collaborators', label: t('nav.collaborators') },
    { to: '/unit/channels', label: t('nav.channels') },
  ];
  return (
    <Layout nav={nav}>
      <Routes>
        <Route index element={<UnitDashboardPage />} />
        <Route path="collaborators" element={<UnitCollaboratorsPage />} />
        <Route path="channels" element={<UnitChannelsPage />} />
        <Route path="*" element={<Navigate to="/unit" replace />} />
      </Routes>
    </Layout>
  );
}
