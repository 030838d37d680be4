import type { ReactNode } from 'react';
import { Link, Redirect, Route, Switch, useLocation, useSearch } from 'wouter';
import { FlashProvider } from './components/flash.js';
import { Loading, Page } from './components/page.js';
import { messages as t } from './i18n/index.js';
import { Layout } from './layout.js';
import { ContactFormPage } from './pages/contact-form.js';
import { ContactHistoryPage } from './pages/contact-history.js';
import { CheckHistoryPage } from './pages/check-history.js';
import { ChecksPage } from './pages/checks.js';
import { ContactsPage } from './pages/contacts.js';
import { ConsultationFormPage } from './pages/consultation-form.js';
import { ConsultationPage } from './pages/consultation.js';
import { ConsultationsPage } from './pages/consultations.js';
import { FederationDirectoryPage } from './pages/federation-directory.js';
import { LogWitnessPage } from './pages/log-witness.js';
import { MessagesPage } from './pages/messages.js';
import { NodePage } from './pages/node.js';
import { NotificationsPage } from './pages/notifications.js';
import { NormsPage } from './pages/norms.js';
import { NormEntryPage } from './pages/norm-entry.js';
import { NormMatrixPage } from './pages/norm-matrix.js';
import { NormImportPage } from './pages/norm-import.js';
import { PublicNormsPage } from './pages/public-norms.js';
import { PeersPage } from './pages/peers.js';
import { RequestPage } from './pages/request.js';
import { LegalBasesPage } from './pages/legal-bases.js';
import { RequestFormPage } from './pages/request-form.js';
import { RequestStatsPage } from './pages/request-stats.js';
import { RequestsPage } from './pages/requests.js';
import { SetupPage } from './pages/setup.js';
import { SignInPage } from './pages/sign-in.js';
import { TokensPage } from './pages/tokens.js';
import { UsersPage } from './pages/users.js';
import { VerifyPage } from './pages/verify.js';
import { NotificationsProvider } from './notifications.js';
import { may, type UiPermission } from './permissions.js';
import { SessionProvider, useSession } from './session.js';

/** Pages for signed-in people; `permission` hides what the role may not use (the node refuses it anyway). */
function Protected({ permission, children }: { permission?: UiPermission; children: ReactNode }) {
  const { state, retry } = useSession();
  const [location] = useLocation();
  // Filters live in the query (/messages?status=failed); keep them through the sign-in.
  const search = useSearch();
  const here = search ? `${location}?${search}` : location;
  switch (state.status) {
    case 'loading':
      return <Loading />;
    case 'unreachable':
      return (
        <Page title={t.errors.unreachableTitle}>
          <div className="alert alert-error" role="alert">
            <p>{state.message}</p>
          </div>
          <button type="button" className="button" onClick={retry}>
            {t.errors.retry}
          </button>
        </Page>
      );
    case 'anonymous':
      return <Redirect to={here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`} replace />;
    case 'signed-in':
      if (permission && !may(state.user.role, permission)) {
        return (
          <Page title={t.errors.notAllowedTitle}>
            <p>{t.errors.notAllowed}</p>
          </Page>
        );
      }
      return children;
  }
}

function NotFoundPage() {
  return (
    <Page title={t.errors.notFoundTitle}>
      <p>{t.errors.notFound}</p>
      <p>
        <Link href="/">{t.errors.goHome}</Link>
      </p>
    </Page>
  );
}

export function App() {
  return (
    <SessionProvider>
      <NotificationsProvider>
        <FlashProvider>
          <Layout>
            <Switch>
              <Route path="/sign-in" component={SignInPage} />
              <Route path="/setup" component={SetupPage} />
              <Route path="/verify" component={VerifyPage} />
              <Route path="/">
                <Protected>
                  <NodePage />
                </Protected>
              </Route>
              <Route path="/contacts">
                <Protected>
                  <ContactsPage />
                </Protected>
              </Route>
              <Route path="/contacts/new">
                <Protected permission="contacts.write">
                  <ContactFormPage />
                </Protected>
              </Route>
              <Route path="/contacts/:id/edit">
                {(params) => (
                  <Protected permission="contacts.write">
                    <ContactFormPage key={params.id} id={params.id} />
                  </Protected>
                )}
              </Route>
              <Route path="/contacts/:id/history">
                {(params) => (
                  <Protected>
                    <ContactHistoryPage key={params.id} id={params.id} />
                  </Protected>
                )}
              </Route>
              <Route path="/directory">
                <Protected permission="federation.read">
                  <FederationDirectoryPage />
                </Protected>
              </Route>
              <Route path="/checks">
                <Protected permission="federation.read">
                  <ChecksPage />
                </Protected>
              </Route>
              <Route path="/checks/history">
                <Protected permission="federation.read">
                  <CheckHistoryPage />
                </Protected>
              </Route>
              <Route path="/peers">
                <Protected permission="federation.read">
                  <PeersPage />
                </Protected>
              </Route>
              <Route path="/messages">
                <Protected permission="federation.read">
                  <MessagesPage />
                </Protected>
              </Route>
              <Route path="/log-witness">
                <Protected permission="federation.read">
                  <LogWitnessPage />
                </Protected>
              </Route>
              <Route path="/public/norms" component={PublicNormsPage} />
              <Route path="/norms">
                <Protected permission="norms.read">
                  <NormsPage />
                </Protected>
              </Route>
              <Route path="/norms/matrix">
                <Protected permission="norms.read">
                  <NormMatrixPage />
                </Protected>
              </Route>
              <Route path="/norms/import">
                <Protected permission="norms.write">
                  <NormImportPage />
                </Protected>
              </Route>
              <Route path="/norms/entries/:id">
                {(params) => (
                  <Protected permission="norms.read">
                    <NormEntryPage key={params.id} id={decodeURIComponent(params.id)} />
                  </Protected>
                )}
              </Route>
              <Route path="/consultations">
                <Protected permission="consultations.read">
                  <ConsultationsPage />
                </Protected>
              </Route>
              <Route path="/consultations/new">
                <Protected permission="consultations.write">
                  <ConsultationFormPage />
                </Protected>
              </Route>
              <Route path="/consultations/:id/edit">
                {(params) => (
                  <Protected permission="consultations.write">
                    <ConsultationFormPage key={params.id} id={params.id} />
                  </Protected>
                )}
              </Route>
              <Route path="/consultations/:id">
                {(params) => (
                  <Protected permission="consultations.read">
                    <ConsultationPage key={params.id} id={params.id} />
                  </Protected>
                )}
              </Route>
              {/* Cooperation requests: the list, the form, the legal bases and the statistics. Keep these BEFORE /requests/:id (the Switch takes the first match). */}
              <Route path="/requests">
                <Protected permission="requests.read">
                  <RequestsPage />
                </Protected>
              </Route>
              <Route path="/requests/new">
                <Protected permission="requests.write">
                  <RequestFormPage />
                </Protected>
              </Route>
              <Route path="/requests/stats">
                <Protected permission="requests.read">
                  <RequestStatsPage />
                </Protected>
              </Route>
              <Route path="/requests/legal-bases">
                <Protected permission="requests.read">
                  <LegalBasesPage />
                </Protected>
              </Route>
              <Route path="/requests/:id/edit">
                {(params) => (
                  <Protected permission="requests.write">
                    <RequestFormPage key={params.id} id={params.id} />
                  </Protected>
                )}
              </Route>
              {/* One request. Keep it AFTER /requests/new, /requests/stats, /requests/legal-bases and /requests/:id/edit: the Switch takes the first match. */}
              <Route path="/requests/:id">
                {(params) => (
                  <Protected permission="requests.read">
                    <RequestPage key={params.id} id={params.id} />
                  </Protected>
                )}
              </Route>
              <Route path="/notifications">
                <Protected>
                  <NotificationsPage />
                </Protected>
              </Route>
              <Route path="/users">
                <Protected permission="users.manage">
                  <UsersPage />
                </Protected>
              </Route>
              <Route path="/tokens">
                <Protected>
                  <TokensPage />
                </Protected>
              </Route>
              <Route>
                <NotFoundPage />
              </Route>
            </Switch>
          </Layout>
        </FlashProvider>
      </NotificationsProvider>
    </SessionProvider>
  );
}
