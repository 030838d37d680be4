import type { ReactNode } from 'react';
import { useLoad, type Loaded } from '../use-load.js';
import { LoadStatus } from './alerts.js';

/** A section listing records (tokens, accounts): its heading, whether they loaded, what to say when there are none, and the records. */
export function RecordList<T>({
  titleId,
  title,
  result,
  empty,
  children,
}: {
  titleId: string;
  title: string;
  result: Loaded<T[]>;
  empty: string;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <LoadStatus result={result} />
      {result.status === 'ready' ? result.data.length === 0 ? <p>{empty}</p> : <ul className="records">{children(result.data)}</ul> : null}
    </section>
  );
}

/** Loads the records a page lists, with `replace`, which puts a changed record where the one with its id stood. */
export function useRecords<T extends { id: string }>(load: () => Promise<T[]>) {
  const { result, set } = useLoad(load, []);
  const replace = (item: T) => {
    if (result.status === 'ready') set(result.data.map((x) => (x.id === item.id ? item : x)));
  };
  return { result, set, replace };
}
