import { Suspense, type ReactNode } from 'react';
import { Link, Redirect, Route, Switch, useLocation, useSearch } from 'wouter';
import { FlashProvider } from './components/flash.js';
import { Loading, Page } from './components/page.js';
import { messages as t } from './i18n/index.js';
import { Layout } from './layout.js';
import { lazyPage, PageBoundary, PageLoading } from './lazy-page.js';
import { NodePage } from './pages/node.js';
import { SignInPage } from './pages/sign-in.js';
import { NotificationsProvider } from './notifications.js';
import { may, type UiPermission } from './permissions.js';
import { SessionProvider, useSession } from './session.js';
import { useLocale } from './use-locale.js';

// Each page but the two a visit starts on (signing in, this node) is loaded on its first visit,
// in a chunk of its own: the first load carries only React, the shell and those two pages.
const ContactFormPage = lazyPage(() => import('./pages/contact-form.js').then((m) => m.ContactFormPage));
const ContactHistoryPage = lazyPage(() => import('./pages/contact-history.js').then((m) => m.ContactHistoryPage));
const CheckHistoryPage = lazyPage(() => import('./pages/check-history.js').then((m) => m.CheckHistoryPage));
const ChecksPage = lazyPage(() => import('./pages/checks.js').then((m) => m.ChecksPage));
const ContactsPage = lazyPage(() => import('./pages/contacts.js').then((m) => m.ContactsPage));
const ConsultationFormPage = lazyPage(() => import('./pages/consultation-form.js').then((m) => m.ConsultationFormPage));
const ConsultationPage = lazyPage(() => import('./pages/consultation.js').then((m) => m.ConsultationPage));
const ConsultationsPage = lazyPage(() => import('./pages/consultations.js').then((m) => m.ConsultationsPage));
const FederationDirectoryPage = lazyPage(() => import('./pages/federation-directory.js').then((m) => m.FederationDirectoryPage));
const LogWitnessPage = lazyPage(() => import('./pages/log-witness.js').then((m) => m.LogWitnessPage));
const MessagesPage = lazyPage(() => import('./pages/messages.js').then((m) => m.MessagesPage));
const NotificationsPage = lazyPage(() => import('./pages/notifications.js').then((m) => m.NotificationsPage));
const NormsPage = lazyPage(() => import('./pages/norms.js').then((m) => m.NormsPage));
const NormEntryPage = lazyPage(() => import('./pages/norm-entry.js').then((m) => m.NormEntryPage));
const NormMatrixPage = lazyPage(() => import('./pages/norm-matrix.js').then((m) => m.NormMatrixPage));
const NormImportPage = lazyPage(() => import('./pages/norm-import.js').then((m) => m.NormImportPage));
const PublicNormsPage = lazyPage(() => import('./pages/public-norms.js').then((m) => m.PublicNormsPage));
const PeersPage = lazyPage(() => import('./pages/peers.js').then((m) => m.PeersPage));
const RequestPage = lazyPage(() => import('./pages/request.js').then((m) => m.RequestPage));
const LegalBasesPage = lazyPage(() => import('./pages/legal-bases.js').then((m) => m.LegalBasesPage));
const RequestFormPage = lazyPage(() => import('./pages/request-form.js').then((m) => m.RequestFormPage));
const RequestStatsPage = lazyPage(() => import('./pages/request-stats.js').then((m) => m.RequestStatsPage));
const RequestsPage = lazyPage(() => import('./pages/requests.js').then((m) => m.RequestsPage));
const SetupPage = lazyPage(() => import('./pages/setup.js').then((m) => m.SetupPage));
const TokensPage = lazyPage(() => import('./pages/tokens.js').then((m) => m.TokensPage));
const UsersPage = lazyPage(() => import('./pages/users.js').then((m) => m.UsersPage));
const VerifyPage = lazyPage(() => import('./pages/verify.js').then((m) => m.VerifyPage));

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
  // A change of language renders every page again with the new words, and keeps what they hold.
  useLocale();
  return (
    <SessionProvider>
      <NotificationsProvider>
        <FlashProvider>
          <Layout>
            <PageBoundary>
              <Suspense fallback={<PageLoading />}>
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
              </Suspense>
            </PageBoundary>
          </Layout>
        </FlashProvider>
      </NotificationsProvider>
    </SessionProvider>
  );
}
