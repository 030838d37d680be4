import { Component, lazy, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { Page } from './components/page.js';
import { messages as t } from './i18n/index.js';

/** A page's code that the browser could not fetch: the node was updated since, or the network failed. */
export class PageLoadError extends Error {
  constructor(cause: unknown) {
    super('a page of the web interface could not be loaded', { cause });
    this.name = 'PageLoadError';
  }
}

/**
 * A page whose code is fetched on its first visit, in a chunk of its own. A failed fetch becomes
 * a PageLoadError, which PageBoundary tells apart from a page that failed while it showed.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => {
    try {
      return { default: await load() };
    } catch (e) {
      throw new PageLoadError(e);
    }
  });
}

/**
 * While a page's code is on its way. Shown only after a moment (styles.css), so that a page
 * fetched quickly does not flash a word; announced as a status once it shows.
 */
export function PageLoading() {
  return (
    <p className="loading page-loading" role="status">
      {t.app.loading}
    </p>
  );
}

interface BoundaryState {
  error: unknown;
  location: string;
}

class Boundary extends Component<{ location: string; children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null, location: this.props.location };

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { error };
  }

  // Another address is another page: it gets its chance, as the navigation and the address bar say.
  static getDerivedStateFromProps(props: { location: string }, state: BoundaryState): Partial<BoundaryState> | null {
    return props.location === state.location ? null : { error: null, location: props.location };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // For whoever opens the browser's console to report it; the page says what to do.
    console.error(error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const notLoaded = error instanceof PageLoadError;
    return (
      <Page title={notLoaded ? t.app.pageNotLoadedTitle : t.app.pageFailedTitle}>
        <div className="alert alert-error" role="alert">
          <p>{notLoaded ? t.app.pageNotLoaded : t.errors.unexpected}</p>
        </div>
        <p>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            {t.app.reload}
          </button>
        </p>
      </Page>
    );
  }
}

/**
 * Keeps a page that cannot be fetched or that fails from blanking the whole interface: the
 * masthead and navigation stay, and the page says what happened and how to go on.
 */
export function PageBoundary({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  return <Boundary location={location}>{children}</Boundary>;
}
