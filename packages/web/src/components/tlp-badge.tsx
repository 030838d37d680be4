import { messages } from '../i18n/index.js';

export type TlpLevel = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';

const CLASS: Record<TlpLevel, string> = {
  CLEAR: 'tlp-clear',
  GREEN: 'tlp-green',
  AMBER: 'tlp-amber',
  'AMBER+STRICT': 'tlp-amber-strict',
  RED: 'tlp-red',
};

/**
 * A TLP 2.0 marking as FIRST prescribes it: the label in its colour on black. The label is text
 * (never colour alone), its definition is offered as a tooltip and, with `withDefinition`, shown
 * beside it for readers who may not know what the label asks of them.
 */
export function TlpBadge({ level, withDefinition = false }: { level: TlpLevel; withDefinition?: boolean }) {
  const t = messages.tlp;
  const definition = t.definitions[level];
  return (
    <span className="tlp-marking">
      <span className="visually-hidden">{t.marking} </span>
      <span className={`tlp ${CLASS[level]}`} title={definition}>
        TLP:{level}
      </span>
      {withDefinition ? <span className="tlp-definition"> {definition}</span> : null}
    </span>
  );
}
