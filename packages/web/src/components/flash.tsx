import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';

interface Flash {
  message: string;
  path: string;
  /** Tells two equal messages apart, so that the second is announced too. */
  serial: number;
}

let serial = 0;

const FlashContext = createContext<{ flash: Flash | null; show: (message: string, path?: string) => void } | null>(null);

/**
 * Confirmations of what the person just did ("… has been added"). Shown on the page named (the
 * current one by default) in a live region that the layout keeps in place, so that screen readers
 * announce it; gone once the person moves to another page.
 */
export function FlashProvider({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const [flash, setFlash] = useState<Flash | null>(null);
  const show = useCallback((message: string, path?: string) => setFlash({ message, path: path ?? window.location.pathname, serial: ++serial }), []);
  useEffect(() => {
    setFlash((f) => (f && f.path !== location ? null : f));
  }, [location]);
  const value = useMemo(() => ({ flash: flash && flash.path === location ? flash : null, show }), [flash, location, show]);
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
}

export function useFlash(): (message: string, path?: string) => void {
  const ctx = useContext(FlashContext);
  if (!ctx) throw new Error('useFlash outside FlashProvider');
  return ctx.show;
}

export function FlashRegion() {
  const ctx = useContext(FlashContext);
  const flash = ctx?.flash;
  return (
    <div className="flash-region" role="status">
      {flash ? (
        <div className="alert alert-success" key={flash.serial}>
          <p>{flash.message}</p>
        </div>
      ) : null}
    </div>
  );
}
