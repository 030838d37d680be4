import { useRef, type ReactNode } from 'react';
import { Link } from 'wouter';
import type { Loaded } from '../use-load.js';
import { usePolledLoad } from '../use-load.js';
import { usePeerNames } from '../use-peer-names.js';
import { LoadStatus, StaleWarning } from './alerts.js';
import { Page } from './page.js';
import { TlpBadge, type TlpLevel } from './tlp-badge.js';

/*
 * The frame of the page of one case that consultations and cooperation requests share: loading it
 * and looking again, its marking, its exports and the way back to the list.
 */

/** The other state answers in its own time; a case's page looks again this often while it is open. */
const POLL_MS = 5_000;

/**
 * One case, loaded and looked at again while its page is open, the names of the peer states, the
 * timeline's heading and `onStep`, which shows the case a step returned and moves focus to the
 * timeline, where the step now stands.
 */
export function useCasePage<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const loaded = usePolledLoad(load, deps, POLL_MS);
  const names = usePeerNames();
  const timelineHeading = useRef<HTMLHeadingElement>(null);
  const onStep = (next: T) => {
    loaded.set(next);
    timelineHeading.current?.focus();
  };
  return { loaded, names, timelineHeading, onStep };
}

/** A page while what it shows loads, or when it could not: the status and the way back. */
export function PageLoading({ title, result, back }: { title: string; result: Loaded<unknown>; back: { href: string; label: string } }) {
  return (
    <Page title={title}>
      <LoadStatus result={result} />
      <BackLink {...back} />
    </Page>
  );
}

export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <p>
      <Link href={href}>{label}</Link>
    </p>
  );
}

/** The top of a case's page: its marking, and a warning when the last look failed. */
export function CaseBanner({ tlp, reloadError, stale }: { tlp: TlpLevel; reloadError: unknown; stale: (why: string) => string }) {
  return (
    <>
      <p className="tlp-banner">
        <TlpBadge level={tlp} withDefinition />
      </p>
      <StaleWarning error={reloadError} stale={stale} />
    </>
  );
}

/** The case file to download, as PDF and as JSON, from the case's address in the API. */
export function CaseExports({
  api,
  words,
  jsonHint,
}: {
  api: string;
  words: { exportsTitle: string; exportPdf: string; exportJson: string };
  jsonHint?: ReactNode;
}) {
  return (
    <section aria-labelledby="exports-title">
      <h2 id="exports-title">{words.exportsTitle}</h2>
      <ul className="actions-list">
        <li>
          <a href={`${api}/export.pdf`} download>
            {words.exportPdf}
          </a>
        </li>
        <li>
          <a href={`${api}/export.json`} download aria-describedby={jsonHint ? 'export-json-hint' : undefined}>
            {words.exportJson}
          </a>
          {jsonHint ? (
            <>
              <br />
              <span className="muted small" id="export-json-hint">
                {jsonHint}
              </span>
            </>
          ) : null}
        </li>
      </ul>
    </section>
  );
}
