import type { NodeInfo, SessionInfo, User } from '@parley/core';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, call, describeError, onSessionEnded, setCsrfToken } from './api/client.js';
import { messages as t } from './i18n/index.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'unreachable'; message: string }
  | { status: 'anonymous'; notice: string | null }
  | { status: 'signed-in'; user: User; node: NodeInfo | null };

interface SessionApi {
  state: SessionState;
  /** Record a session the node has just opened (sign-in or setup). */
  signedIn(info: SessionInfo): void;
  signOut(): Promise<void>;
  retry(): void;
  /** The signed-in person's own account changed (an administrator changed their own role). */
  updateMe(user: User): void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const loadNode = useCallback(async () => {
    try {
      const node = await call('node');
      setState((s) => (s.status === 'signed-in' ? { ...s, node } : s));
    } catch {
      // The pages show their own errors; the layout simply goes without the node's name.
    }
  }, []);

  const signedIn = useCallback(
    (info: SessionInfo) => {
      setCsrfToken(info.csrfToken);
      setState((s) => ({ status: 'signed-in', user: info.user, node: s.status === 'signed-in' ? s.node : null }));
      void loadNode();
    },
    [loadNode],
  );

  const check = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      signedIn(await call('session'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setState({ status: 'anonymous', notice: null });
      else setState({ status: 'unreachable', message: describeError(e) });
    }
  }, [signedIn]);

  useEffect(() => {
    void check();
    onSessionEnded(() => {
      setCsrfToken('');
      setState({ status: 'anonymous', notice: t.errors.sessionEnded });
    });
    return () => onSessionEnded(null);
  }, [check]);

  const signOut = useCallback(async () => {
    await call('logout');
    setCsrfToken('');
    setState({ status: 'anonymous', notice: t.signIn.signedOut });
  }, []);

  const updateMe = useCallback((user: User) => {
    setState((s) => (s.status === 'signed-in' && s.user.id === user.id ? { ...s, user } : s));
  }, []);

  const api = useMemo<SessionApi>(
    () => ({ state, signedIn, signOut, retry: () => void check(), updateMe }),
    [state, signedIn, signOut, check, updateMe],
  );
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error('useSession outside SessionProvider');
  return api;
}

/** The signed-in user; only for pages rendered inside <Protected>. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}
