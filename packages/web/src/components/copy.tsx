import { useEffect, useRef, useState, type ReactNode } from 'react';
import { messages as t } from '../i18n/index.js';

async function copyText(text: string, fallbackSource: HTMLElement | null): Promise<boolean> {
  try {
    // The Clipboard API exists only in secure contexts (HTTPS or loopback).
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection
  }
  if (!fallbackSource) return false;
  const range = document.createRange();
  range.selectNodeContents(fallbackSource);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/** A button that copies `text`; says in a live region whether it worked. */
export function CopyButton({ text, label, sourceId }: { text: string; label: string; sourceId?: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return (
    <span className="copy">
      <button
        type="button"
        className="button button-secondary"
        onClick={async () => {
          const ok = await copyText(text, sourceId ? document.getElementById(sourceId) : null);
          setResult(ok ? 'copied' : 'failed');
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => setResult(null), 6000);
        }}
      >
        {label}
      </button>
      <span className="copy-result" role="status">
        {result === 'copied' ? t.common.copied : result === 'failed' ? t.common.copyFailed : ''}
      </span>
    </span>
  );
}

/**
 * A value shown once (a setup link, an API token): in monospace, wrapping anywhere so that it
 * never widens the page, with a copy button.
 */
export function SecretValue({ id, label, value, copyLabel }: { id: string; label: string; value: string; copyLabel: string }) {
  return (
    <div className="secret">
      <p className="label">{label}</p>
      <p className="secret-value mono" id={id}>
        {value}
      </p>
      <CopyButton text={value} label={copyLabel} sourceId={id} />
    </div>
  );
}

/**
 * A panel that shows a value once, just made (an API token, a setup link), and takes focus each
 * time a new one is shown, so that nobody misses it; `onDone` hides it.
 */
export function SecretPanel({
  shown,
  titleId,
  title,
  help,
  secret,
  hideLabel,
  onDone,
}: {
  shown: unknown;
  titleId: string;
  title: string;
  help: ReactNode;
  secret: { id: string; label: string; value: string; copyLabel: string };
  hideLabel: string;
  onDone: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [shown]);
  return (
    <section className="panel panel-highlight" aria-labelledby={titleId}>
      <h2 id={titleId} tabIndex={-1} ref={heading}>
        {title}
      </h2>
      <p>{help}</p>
      <SecretValue {...secret} />
      <div className="actions">
        <button type="button" className="button button-secondary" onClick={onDone}>
          {hideLabel}
        </button>
      </div>
    </section>
  );
}
