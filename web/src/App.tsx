import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { homeFor, useAuth } from './auth/auth';
import { MyTasksPage } from './collaborator/MyTasksPage';
import { Layout } from './components/Layout';
import { ErrorAlert, Loading } from './components/states';
import { LoginPage } from './LoginPage';

// Secretaries' and admins' screens (and the chart library) load only for them.
const SecretaryRoutes = lazy(() => import('./secretary/SecretaryRoutes'));
const AdminRoutes = lazy(() => import('./admin/AdminRoutes'));

function RequireRole({ role, children }: { role: 'admin' | 'secretary' | 'collaborator'; children: React.ReactNode }) {
  const { me } = useAuth();
  if (me && me.role !== role) return <Navigate to={homeFor(me.role)} replace />;
  return <>{children}</>;
}

export function App() {
  const { t } = useTranslation();
  const { session, me, meLoading, meError, logout } = useAuth();
  const location = useLocation();

  if (!session) {
    if (location.pathname === '/login') return <LoginPage />;
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  if (meLoading) return <Loading />;
  if (!me) {
    return (
      <Layout nav={[]}>
        <ErrorAlert error={meError} onRetry={() => window.location.reload()} />
        <button type="button" onClick={() => void logout()} style={{ marginTop: 16 }}>
          {t('nav.logout')}
        </button>
      </Layout>
    );
  }
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/login" element={<Navigate to={new URLSearchParams(location.search).get('next') ?? homeFor(me.role)} replace />} />
        <Route
          path="/tasks"
          element={
            <RequireRole role="collaborator">
              <Layout nav={[]}>
                <MyTasksPage />
              </Layout>
            </RequireRole>
          }
        />
        <Route
          path="/unit/*"
          element={
            <RequireRole role="secretary">
              <SecretaryRoutes />
            </RequireRole>
          }
        />
        <Route
          path="/manage/*"
          element={
            <RequireRole role="admin">
              <AdminRoutes />
            </RequireRole>
          }
        />
        <Route path="*" element={<Navigate to={homeFor(me.role)} replace />} />
      </Routes>
    </Suspense>
  );
}
