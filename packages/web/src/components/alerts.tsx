import { useEffect, useRef, type MouseEvent, type ReactNode, type RefObject } from 'react';
import { ApiError, describeError } from '../api/client.js';
import { messages as t } from '../i18n/index.js';
import type { Loaded } from '../use-load.js';
import { Loading } from './page.js';

/**
 * Ignores the rest of a double-click that began before the page moved: returns the function that
 * stops ignoring. A mouse click on the button that brought an error up is often a double-click; by
 * the time of its second click the page has moved under the pointer, which then lands on another
 * radio button, a checkbox or a link and would change it without the person seeing it. The second
 * click of a double-click says so itself (`detail` 2 or more), so only it is ignored, whatever the
 * node took to answer; the next click that starts afresh (`detail` 1) acts, and ends the guard.
 */
function ignoreRestOfDoubleClick(): () => void {
  const guard = (e: globalThis.MouseEvent) => {
    if (e.detail >= 2) {
      // Also on mousedown, so that focus stays where the page put it.
      e.preventDefault();
      e.stopImmediatePropagation();
    } else if (e.type === 'mousedown') {
      stop();
    }
  };
  const types = ['mousedown', 'mouseup', 'click', 'dblclick'] as const;
  const stop = () => types.forEach((type) => window.removeEventListener(type, guard, true));
  types.forEach((type) => window.addEventListener(type, guard, true));
  return stop;
}

/**
 * Focuses `ref` whenever `shown` changes to something, as an error answering a button far down the
 * page does, and keeps the double-click that brought it from acting on the page it moved.
 */
export function useTakeFocus(ref: RefObject<HTMLElement | null>, shown: unknown): void {
  useEffect(() => {
    if (!shown) return;
    ref.current?.focus();
    return ignoreRestOfDoubleClick();
  }, [ref, shown]);
}

/**
 * An error that concerns the whole page or form; announced as soon as it appears. With `takeFocus`
 * it also takes focus, for errors that answer a button far down the page.
 */
export function ErrorMessage({ children, title = t.common.problemTitle, takeFocus = false }: { children: ReactNode; title?: string | null; takeFocus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useTakeFocus(ref, takeFocus);
  return (
    <div className="alert alert-error" role="alert" ref={ref} tabIndex={takeFocus ? -1 : undefined}>
      {title ? <p className="alert-title">{title}</p> : null}
      {children}
    </div>
  );
}

/** The error of a failed load or action, in words the node chose. */
export function ErrorFor({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <ErrorMessage>
      <p>{describeError(error)}</p>
    </ErrorMessage>
  );
}

export interface FieldRef {
  /** The path the node uses for the field, such as `email` or `languages`. */
  path: string;
  /** The id of the input to jump to. */
  id: string;
  /**
   * Read from `messages` when the list is made: a page makes its list at each render, not once in
   * a module constant, since the language can change while the page is open.
   */
  label: string;
}

// Focus the field without touching location.hash: on the setup page the hash holds the secret.
function jumpTo(e: MouseEvent<HTMLAnchorElement>) {
  const id = e.currentTarget.getAttribute('href')?.slice(1);
  const target = id ? document.getElementById(id) : null;
  if (!target) return;
  e.preventDefault();
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

/**
 * The summary above a form after a failed submit: the node's sentence and every field message,
 * each linking to its field. It takes focus so that keyboard and screen-reader users start there.
 */
export function ErrorSummary({ error, fields }: { error: unknown; fields: readonly FieldRef[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useTakeFocus(ref, error);
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  const known = new Set(fields.map((f) => f.path));
  const items: { key: string; href: string | null; text: string }[] = [];
  for (const f of fields) {
    const messages = error instanceof ApiError ? error.forField(f.path) : [];
    messages.forEach((m, i) => items.push({ key: `${f.path}-${i}`, href: `#${f.id}`, text: `${f.label}: ${m}` }));
  }
  issues
    .filter((i) => !known.has(i.path.split('.')[0] ?? ''))
    .forEach((i, n) => items.push({ key: `other-${n}`, href: null, text: i.message }));
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
      <p className="alert-title">{t.common.problemTitle}</p>
      <p>{describeError(error)}</p>
      {items.length > 0 ? (
        <ul>
          {items.map((item) => (
            <li key={item.key}>
              {item.href ? (
                <a href={item.href} onClick={jumpTo}>
                  {item.text}
                </a>
              ) : (
                item.text
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** What a page shows while its data loads, or when loading failed; nothing once it is there. */
export function LoadStatus({ result }: { result: Loaded<unknown> }) {
  if (result.status === 'loading') return <Loading />;
  if (result.status === 'failed') return <ErrorFor error={result.error} />;
  return null;
}

/** Says that a page which looks again could not, and that it shows what it last loaded. */
export function StaleWarning({ error, stale }: { error: unknown; stale: (why: string) => string }) {
  return error ? (
    <div className="alert alert-warning" role="status">
      <p>{stale(describeError(error))}</p>
    </div>
  ) : null;
}

/** The node refused to save because what the form edits changed since it was loaded: the way to load it again. */
export function VersionConflict({ words, onReload }: { words: { conflict: string; loadLatest: string }; onReload: () => void }) {
  return (
    <ErrorMessage takeFocus>
      <p>{words.conflict}</p>
      <p>
        <button type="button" className="button button-secondary" onClick={onReload}>
          {words.loadLatest}
        </button>
      </p>
    </ErrorMessage>
  );
}
