import type { ResponseOf } from '@parley/core';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { call } from './api/client.js';
import { useSession } from './session.js';
import { usePoll } from './use-now.js';

export type Notification = ResponseOf<'notifications'>['notifications'][number];

interface NotificationsApi {
  /** Newest first; null until the first answer. */
  list: Notification[] | null;
  error: unknown;
  /** How many arrived after the person last opened the notifications page. */
  unseen: number;
  /** The time of the newest notification seen before this visit, to mark newer ones. */
  seenUntil: string;
  refresh(): void;
  markSeen(): void;
}

const NotificationsContext = createContext<NotificationsApi | null>(null);

/** Often enough that an incoming check is noticed within a minute; one small query. */
const POLL_MS = 30_000;

// The node keeps no read marks; what a person has seen is remembered by this browser only.
const seenKey = (userId: string) => `parley.notifications.seen.${userId}`;
const memory = new Map<string, string>();

function readSeen(userId: string): string {
  try {
    return window.localStorage.getItem(seenKey(userId)) ?? memory.get(userId) ?? '';
  } catch {
    return memory.get(userId) ?? '';
  }
}

function writeSeen(userId: string, at: string): void {
  memory.set(userId, at);
  try {
    window.localStorage.setItem(seenKey(userId), at);
  } catch {
    // Storage refused (private mode, quota): the mark lasts until the page is reloaded.
  }
}

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const [location] = useLocation();
  const userId = state.status === 'signed-in' ? state.user.id : null;
  const [list, setList] = useState<Notification[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  // What this person has seen, read from storage as soon as the person is known (not an effect
  // later), so that the first render of the notifications page already knows what is new.
  const [marked, setMarked] = useState<{ userId: string; at: string } | null>(null);
  const seen = userId ? (marked?.userId === userId ? marked.at : readSeen(userId)) : '';
  const [round, setRound] = useState(0);

  useEffect(() => {
    setList(null);
  }, [userId]);

  // Asked again on every page change and on a timer while the tab is visible.
  useEffect(() => {
    if (!userId) return;
    let live = true;
    call('notifications').then(
      (r) => {
        if (!live) return;
        setList(r.notifications);
        setError(null);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [userId, location, round]);

  usePoll(
    useCallback(() => {
      if (userId) setRound((r) => r + 1);
    }, [userId]),
    POLL_MS,
  );

  const markSeen = useCallback(() => {
    const newest = list?.reduce((a, n) => (n.at > a ? n.at : a), '');
    if (!userId || !newest || newest <= seen) return;
    writeSeen(userId, newest);
    setMarked({ userId, at: newest });
  }, [list, seen, userId]);

  const refresh = useCallback(() => setRound((r) => r + 1), []);
  const value = useMemo<NotificationsApi>(
    () => ({
      list,
      error,
      unseen: list ? list.filter((n) => n.at > seen).length : 0,
      seenUntil: seen,
      refresh,
      markSeen,
    }),
    [list, error, seen, refresh, markSeen],
  );
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): NotificationsApi {
  const api = useContext(NotificationsContext);
  if (!api) throw new Error('useNotifications outside NotificationsProvider');
  return api;
}
