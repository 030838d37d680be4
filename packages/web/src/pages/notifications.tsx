import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { ErrorFor } from '../components/alerts.js';
import { Loading, Page } from '../components/page.js';
import { formatTime, formatTimesIn, messages as t } from '../i18n/index.js';
import { useNotifications } from '../notifications.js';
import { MailSettings } from '../components/mail-settings.js';

const n = t.notifications;

/** Only paths of this interface are followed; anything else is shown as text. */
const internal = (link: string | null): link is string => !!link && link.startsWith('/') && !link.startsWith('//');

export function NotificationsPage() {
  // The list is asked for again on every page change, this one included.
  const { list, error, seenUntil, markSeen } = useNotifications();
  // What was new when the page opened stays marked while the person reads it.
  const [newSince] = useState(seenUntil);
  useEffect(() => {
    if (list) markSeen();
  }, [list, markSeen]);

  return (
    <Page title={n.title} intro={n.intro}>
      {list === null && !error ? <Loading /> : null}
      {list === null && error ? <ErrorFor error={error} /> : null}
      {list ? (
        list.length === 0 ? (
          <p>{n.empty}</p>
        ) : (
          <ul className="records">
            {list.map((item) => {
              const fresh = item.at > newSince;
              return (
                <li key={item.id} className={`record${fresh ? ' record-attention' : ''}`}>
                  <p className="record-meta">
                    {fresh ? <span className="badge badge-new">{n.newBadge}</span> : null} <time dateTime={item.at}>{formatTime(item.at)}</time>
                  </p>
                  <p>{formatTimesIn(item.message)}</p>
                  {internal(item.link) ? (
                    <p>
                      <Link href={item.link}>{n.links[item.link.split('?')[0] ?? ''] ?? n.open}</Link>
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )
      ) : null}
      <MailSettings />
    </Page>
  );
}
