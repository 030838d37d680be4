import { messages as t } from '../i18n/index.js';

/**
 * A state as people recognise it: its code, its name (as the state gave it, in any script), and a
 * plain marker when it is a test state.
 */
export function StateLabel({ code, name, isTestState }: { code: string; name?: string | null | undefined; isTestState?: boolean | undefined }) {
  return (
    <>
      <span className="state-code">{code}</span>
      {name ? (
        <>
          {' '}
          <span dir="auto">{name}</span>
        </>
      ) : null}
      {isTestState ? (
        <>
          {' '}
          <span className="badge badge-test">{t.common.testState}</span>
        </>
      ) : null}
    </>
  );
}
