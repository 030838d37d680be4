import { useEffect, type ReactNode } from 'react';
import { messages as t } from '../i18n/index.js';

/**
 * One page: its <h1> (which the layout focuses after each navigation, so that screen-reader
 * users hear where they arrived) and the document title. A title someone wrote (a consultation's,
 * say) takes `titleDir="auto"`, so that one in Arabic reads right to left.
 */
export function Page({ title, titleDir, intro, children }: { title: string; titleDir?: 'auto'; intro?: ReactNode; children?: ReactNode }) {
  useEffect(() => {
    document.title = t.app.title(title);
  }, [title]);
  return (
    <>
      <h1 tabIndex={-1} dir={titleDir}>{title}</h1>
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
