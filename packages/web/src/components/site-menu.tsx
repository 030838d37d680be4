import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useLocation } from 'wouter';
import { messages as t } from '../i18n/index.js';
import { useNotifications } from '../notifications.js';

/**
 * On a phone the masthead's account and navigation would take most of the screen (twelve links
 * wrapped at 320 px), so there they sit behind a disclosure button; styles.css shows the button
 * and hides what it controls only below 40rem, so wider screens keep everything in view and this
 * state does nothing there.
 */
export interface SiteMenu {
  open: boolean;
  button: RefObject<HTMLButtonElement | null>;
  toggle(): void;
  /** For the masthead: Escape inside an open menu closes it and gives focus back to its button. */
  onKeyDown(e: KeyboardEvent<HTMLElement>): void;
}

export function useSiteMenu(): SiteMenu {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement | null>(null);
  const [location] = useLocation();
  // A link followed closes the menu; the layout then puts focus on the new page's heading.
  useEffect(() => setOpen(false), [location]);
  const toggle = useCallback(() => setOpen((o) => !o), []);
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      if (!open || e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    },
    [open],
  );
  return { open, button, toggle, onKeyDown };
}

/** The disclosure button; `controls` are the ids of what it shows and hides. */
export function SiteMenuButton({ menu, controls }: { menu: SiteMenu; controls: string }) {
  const { unseen } = useNotifications();
  return (
    <button type="button" ref={menu.button} className="button button-quiet menu-button" aria-expanded={menu.open} aria-controls={controls} onClick={menu.toggle}>
      {t.nav.menu}
      {unseen > 0 ? (
        <span className="count-badge">
          {unseen}
          <span className="visually-hidden"> {t.nav.menuNotificationsNew(unseen)}</span>
        </span>
      ) : null}
    </button>
  );
}
