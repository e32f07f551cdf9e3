import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { Layout } from '../components/Layout';
import { AccountsPage } from './AccountsPage';
import { AuditPage } from './AuditPage';
import { CampaignPage } from './CampaignPage';
import { CampaignsPage } from './CampaignsPage';
import { DirectoryPage } from './DirectoryPage';
import { ExportsPage } from './ExportsPage';
import { RankingPage } from './RankingPage';

export default function AdminRoutes() {
  const { t } = useTranslation();
  const nav = [
    { to: '/manage/campaigns', label: t('nav.campaigns') },
    { to: '/manage/directory', label: t('nav.directory') },
    { to: '/manage/ranking', label: t('nav.ranking') },
    { to: '/manage/exports', label: t('nav.exports') },
    { to: '/manage/accounts', label: t('nav.accounts') },
    { to: '/manage/audit', label: t('nav.audit') },
  ];
  return (
    <Layout nav={nav}>
      <Routes>
        <Route path="campaigns" element={<CampaignsPage />} />
        <Route path="campaigns/:id" element={<CampaignPage />} />
        <Route path="directory" element={<DirectoryPage />} />
        <Route path="ranking" element={<RankingPage />} />
        <Route path="exports" element={<ExportsPage />} />
        <Route path="accounts" element={<AccountsPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="*" element={<Navigate to="/manage/campaigns" replace />} />
      </Routes>
    </Layout>
  );
}
