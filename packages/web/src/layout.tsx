import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { describeError } from './api/client.js';
import { ErrorMessage } from './components/alerts.js';
import { FlashRegion } from './components/flash.js';
import { LanguageSwitch } from './components/language-switch.js';
import { SiteMenuButton, useSiteMenu } from './components/site-menu.js';
import { ConsultationsNavLabel, useConsultationsAttention } from './consultations/attention.js';
import { RequestsNavLabel } from './requests/attention.js';
import { messages as t } from './i18n/index.js';
import { useNotifications } from './notifications.js';
import { may } from './permissions.js';
import { useSession } from './session.js';

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [location] = useLocation();
  const current = href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
  return (
    <li>
      <Link href={href} aria-current={current ? 'page' : undefined}>
        {children}
      </Link>
    </li>
  );
}

// Moves focus without changing location.hash, which holds the secret on the setup page.
function skipToMain(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

/**
 * Focuses the page's <h1>, now or, for a page whose code or data is still on its way, when it
 * appears; and again when that heading is replaced, as a page's loading state is by the page,
 * which would otherwise leave focus on nothing. Never once the person has moved focus. While a
 * page's code loads, React keeps the previous page in the document, hidden: its heading is not
 * the one. Returns what stops watching (at the next navigation).
 */
function focusHeadingWhenShown(main: HTMLElement | null): (() => void) | undefined {
  if (!main) return undefined;
  const visibleHeading = () => [...main.querySelectorAll<HTMLElement>('h1')].find((h1) => h1.getClientRects().length > 0);
  const navigatedFrom = document.activeElement;
  let focused: HTMLElement | undefined;
  const focusHeading = () => {
    focused = visibleHeading();
    focused?.focus();
  };
  focusHeading();
  const observer = new MutationObserver(() => {
    if (focused?.isConnected) return;
    const active = document.activeElement;
    if (active === document.body || active === navigatedFrom) focusHeading();
  });
  observer.observe(main, { childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'hidden'] });
  return () => observer.disconnect();
}

/** The way to the notifications, with the number that arrived since the person last looked. */
function NotificationsLink() {
  const { unseen } = useNotifications();
  const [location] = useLocation();
  return (
    <Link href="/notifications" className="notifications-link" aria-current={location === '/notifications' ? 'page' : undefined}>
      {t.nav.notifications}
      {unseen > 0 ? ' ' : null}
      {unseen > 0 ? (
        <span className="count-badge">
          {unseen}
          <span className="visually-hidden"> {t.nav.notificationsNew}</span>
        </span>
      ) : null}
    </Link>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { state, identity, signOut } = useSession();
  const [location, navigate] = useLocation();
  const [signOutError, setSignOutError] = useState<unknown>(null);

  // After a navigation, put focus on the new page's heading: screen-reader users hear where they
  // are, and keyboard users continue from the top of the content rather than the old link.
  const previous = useRef(location);
  useEffect(() => {
    if (previous.current === location) return;
    previous.current = location;
    setSignOutError(null);
    return focusHeadingWhenShown(document.getElementById('main'));
  }, [location]);

  const signedIn = state.status === 'signed-in' ? state : null;
  const consultationsWaiting = useConsultationsAttention(signedIn !== null);
  const node = signedIn?.node ?? null;
  const menu = useSiteMenu();

  return (
    <>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        {t.app.skipLink}
      </a>
      {identity?.isTestState ? (
        <section className="test-banner" aria-label={t.testBanner.label}>
          <p>
            <strong>{t.testBanner.label}</strong> — {t.testBanner.text}
          </p>
        </section>
      ) : null}
      <header className={menu.open ? 'masthead menu-open' : 'masthead'} onKeyDown={menu.onKeyDown}>
        <div className="masthead-inner">
          <div className="brand">
            <Link href="/" className="brand-name">
              {t.app.name}
            </Link>
            {identity ? (
              <span className="brand-node">
                <span className="state-code">{identity.stateCode}</span> <span dir="auto">{identity.name}</span>
              </span>
            ) : null}
          </div>
          {signedIn ? <SiteMenuButton menu={menu} controls="site-account site-nav" /> : null}
          {signedIn ? (
            <div className="account" id="site-account">
              <span className="account-name">
                {t.nav.signedInAs} <strong dir="auto">{signedIn.user.displayName}</strong> ({t.roles[signedIn.user.role]})
              </span>
              <NotificationsLink />
              <button
                type="button"
                className="button button-quiet"
                onClick={async () => {
                  try {
                    await signOut();
                    navigate('/sign-in');
                  } catch (e) {
                    setSignOutError(e);
                  }
                }}
              >
                {t.nav.signOut}
              </button>
              {/* In the account, so that on a phone it is in the Menu's panel: the brand row has no room for it. */}
              <LanguageSwitch />
            </div>
          ) : (
            <LanguageSwitch />
          )}
        </div>
        {signedIn ? (
          <nav aria-label={t.nav.label} className="nav" id="site-nav">
            <ul>
              <NavLink href="/">{t.nav.node}</NavLink>
              <NavLink href="/contacts">{t.nav.contacts}</NavLink>
              <NavLink href="/directory">{t.nav.directory}</NavLink>
              <NavLink href="/consultations">
                <ConsultationsNavLabel count={consultationsWaiting} />
              </NavLink>
              {may(signedIn.user.role, 'requests.read') ? (
                <NavLink href="/requests">
                  <RequestsNavLabel enabled />
                </NavLink>
              ) : null}
              <NavLink href="/checks">{t.nav.checks}</NavLink>
              <NavLink href="/norms">{t.norms.nav}</NavLink>
              <NavLink href="/peers">{t.nav.peers}</NavLink>
              <NavLink href="/messages">{t.nav.messages}</NavLink>
              <NavLink href="/log-witness">{t.witness.nav}</NavLink>
              {may(signedIn.user.role, 'users.manage') ? <NavLink href="/users">{t.nav.users}</NavLink> : null}
              <NavLink href="/tokens">{t.nav.tokens}</NavLink>
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {signOutError ? (
          <ErrorMessage>
            <p>{describeError(signOutError)}</p>
          </ErrorMessage>
        ) : null}
        <FlashRegion />
        {children}
      </main>
      {node ? (
        <footer className="footer">
          <p>{t.app.footer(node.version)}</p>
        </footer>
      ) : null}
    </>
  );
}
