import { useMemo } from 'react';
import { Admin, AuthCallback, CustomRoutes, Resource } from 'react-admin';
import { BrowserRouter, Route } from 'react-router-dom';
import { createAdminClient } from './api/client';
import type { ConsoleConfig } from './config';
import { Dashboard } from './dashboard';
import { i18nProvider } from './i18n';
import { Layout } from './layout/Layout';
import { LoginPage } from './login/LoginPage';
import { ApiContext } from './shared/api-context';
import { createAuthProvider } from './providers/authProvider';
import { createDataProvider } from './providers/dataProvider';
import { cognitoSession, localSession } from './providers/sessions';
import { resources } from './resources';
import { theme, darkTheme } from './layout/theme';

/**
 * The console: react-admin over the admin API. Every screen is loaded when first opened; what the
 * signed-in person sees follows their permissions (`GET /me`), the API enforcing them again.
 */
export function App({ config }: { config: ConsoleConfig }) {
  const { api, dataProvider, authProvider } = useMemo(() => {
    const session = config.auth.mode === 'local' ? localSession(config.auth) : cognitoSession(config.auth);
    const api = createAdminClient(config.apiUrl, () => session.token());
    return { api, dataProvider: createDataProvider(api), authProvider: createAuthProvider(session, api) };
  }, [config]);

  return (
    <BrowserRouter>
      <ApiContext.Provider value={{ api, config }}>
        <Admin
          title="Backoffice"
          dataProvider={dataProvider}
          authProvider={authProvider}
          i18nProvider={i18nProvider}
          loginPage={LoginPage}
          dashboard={Dashboard}
          layout={Layout}
          theme={theme}
          darkTheme={darkTheme}
          disableTelemetry
        >
          {resources.map((resource) => (
            <Resource key={resource.name} {...resource} />
          ))}
          <CustomRoutes noLayout>
            <Route path="/auth/callback" element={<AuthCallback />} />
          </CustomRoutes>
        </Admin>
      </ApiContext.Provider>
    </BrowserRouter>
  );
}
