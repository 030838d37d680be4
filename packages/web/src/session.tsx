import type { NodeInfo, ResponseOf, SessionInfo, User } from '@parley/core';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, call, describeError, onSessionEnded, setCsrfToken } from './api/client.js';
import { messages as t } from './i18n/index.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'unreachable'; message: string }
  | { status: 'anonymous'; notice: string | null }
  | { status: 'signed-in'; user: User; node: NodeInfo | null };

/** Which state this node is; public, so known before anyone signs in. */
export type NodeIdentity = ResponseOf<'nodeIdentity'>;

interface SessionApi {
  state: SessionState;
  /** The node's state and name, or null until (or unless) the node has answered. */
  identity: NodeIdentity | null;
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
  const [identity, setIdentity] = useState<NodeIdentity | null>(null);

  // Asked once, in parallel with the session: the test-state banner must show before sign-in too.
  useEffect(() => {
    let live = true;
    call('nodeIdentity').then(
      (i) => live && setIdentity(i),
      () => {
        // Without it the sign-in page simply goes without the state's name; the session check reports the node unreachable.
      },
    );
    return () => {
      live = false;
    };
  }, []);

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

  // The full node record, once signed in, says the same and more; prefer it when it is there.
  const known = state.status === 'signed-in' && state.node ? state.node : identity;
  const api = useMemo<SessionApi>(
    () => ({ state, identity: known, signedIn, signOut, retry: () => void check(), updateMe }),
    [state, known, signedIn, signOut, check, updateMe],
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
