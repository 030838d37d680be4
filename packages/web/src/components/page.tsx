import { useEffect, type ReactNode } from 'react';
import { messages as t } from '../i18n/index.js';

/**
 * One page: its <h1> (which the layout focuses after each navigation, so that screen-reader
 * users hear where they arrived) and the document title.
 */
export function Page({ title, intro, children }: { title: string; intro?: ReactNode; children?: ReactNode }) {
  useEffect(() => {
    document.title = t.app.title(title);
  }, [title]);
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </>
  );
}

export function Loading() {
  return (
    <p className="loading" role="status">
      {t.app.loading}
    </p>
  );
}
