import { useEffect, useRef, useState } from 'react';
import { messages as t } from '../i18n/index.js';

/**
 * An action that cannot be undone: the first button asks, the second does it. The question
 * takes focus so that it is read out; Cancel returns focus to the first button.
 */
export function ConfirmAction({
  label,
  accessibleLabel,
  question,
  confirmLabel,
  busy,
  onConfirm,
}: {
  label: string;
  accessibleLabel?: string;
  question: string;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const questionRef = useRef<HTMLParagraphElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) questionRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" className="button button-warning" ref={openRef} aria-label={accessibleLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={accessibleLabel ?? label}>
      <p tabIndex={-1} ref={questionRef}>
        {question}
      </p>
      <div className="actions">
        <button type="button" className="button button-danger" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" className="button button-secondary" onClick={() => setAsking(false)}>
          {t.common.cancel}
        </button>
      </div>
    </div>
  );
}
