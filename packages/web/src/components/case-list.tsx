import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { describeError } from '../api/client.js';
import type { Loaded } from '../use-load.js';
import { LoadStatus } from './alerts.js';

/** The sentences a list of cases (consultations, requests) needs around its items. */
export interface CaseListWords {
  boxesLabel: string;
  boxes: Record<string, string>;
  boxHelp: Record<string, string>;
  stale: (why: string) => string;
  count: (n: number) => string;
  none: string;
  noneInBox: Record<string, string>;
}

/**
 * What every list of cases shows around its items: the boxes (received, sent, drafts, all) as
 * tabs that keep the filters, the filter form, whether the list loaded or is stale, its count for
 * screen readers, and what to say when it is empty.
 */
export function CaseListFrame<B extends string>({
  words,
  boxes,
  box,
  hrefFor,
  filters,
  list,
  count,
  filtered,
  children,
}: {
  words: CaseListWords;
  boxes: readonly B[];
  box: B;
  hrefFor: (box: B) => string;
  filters: ReactNode;
  list: { result: Loaded<unknown>; reloadError: unknown };
  count: number;
  filtered: boolean;
  children: ReactNode;
}) {
  const ready = list.result.status === 'ready';
  return (
    <>
      <nav aria-label={words.boxesLabel} className="tabs">
        <ul>
          {boxes.map((b) => (
            <li key={b}>
              <Link href={hrefFor(b)} aria-current={box === b ? 'page' : undefined}>
                {words.boxes[b]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p className="muted">{words.boxHelp[box]}</p>
      {filters}
      <LoadStatus result={list.result} />
      {ready && list.reloadError ? (
        <div className="alert alert-warning" role="status">
          <p>{words.stale(describeError(list.reloadError))}</p>
        </div>
      ) : null}
      <p className="visually-hidden" role="status">
        {ready ? words.count(count) : ''}
      </p>
      {ready && count === 0 ? <p>{filtered ? words.none : words.noneInBox[box]}</p> : null}
      {count ? children : null}
    </>
  );
}
