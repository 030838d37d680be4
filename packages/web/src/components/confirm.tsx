import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { messages as t } from '../i18n/index.js';
import { useTakeFocus } from './alerts.js';

/**
 * The state of a two-step button, which asks before it acts: whether it is asking, and the
 * question and the first button to focus. The question takes focus so that it is read out, and
 * Cancel returns focus to the first button. The rest of a double-click on the first button does
 * not answer the question: its second click could land on the button that acts, which takes the
 * first one's place, and send or delete without anybody having read what was asked. Escape
 * anywhere in the question is Cancel, as in a dialog.
 */
export function useConfirmation() {
  const [asking, setAsking] = useState(false);
  const questionRef = useRef<HTMLParagraphElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useTakeFocus(questionRef, asking);
  useEffect(() => {
    if (!asking && wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  const cancelOnEscape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    setAsking(false);
  };
  return { asking, setAsking, questionRef, openRef, cancelOnEscape };
}

/** An action that cannot be undone: the first button asks, the second does it (`useConfirmation`). */
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
  const { asking, setAsking, questionRef, openRef, cancelOnEscape } = useConfirmation();

  if (!asking) {
    return (
      <button type="button" className="button button-warning" ref={openRef} aria-label={accessibleLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={accessibleLabel ?? label} onKeyDown={cancelOnEscape}>
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
