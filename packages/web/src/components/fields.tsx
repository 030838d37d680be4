import { useRef, type ChangeEvent, type CompositionEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { messages as t } from '../i18n/index.js';
import { limitEdit } from '../text.js';

interface Described {
  id: string;
  hint?: ReactNode | undefined;
  errors?: readonly string[] | undefined;
}

/** The ids a control points to with aria-describedby, and the hint and error paragraphs themselves. */
function description({ id, hint, errors }: Described) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  return {
    describedBy: [hintId, errorId].filter(Boolean).join(' ') || undefined,
    invalid: errorId ? true : undefined,
    nodes: (
      <>
        {hint ? (
          <p className="hint" id={hintId}>
            {hint}
          </p>
        ) : null}
        {errorId ? (
          <p className="field-message" id={errorId}>
            {errors!.join(' ')}
          </p>
        ) : null}
      </>
    ),
  };
}

function Label({ id, label, optional }: { id: string; label: string; optional?: boolean | undefined }) {
  return (
    <label className="label" htmlFor={id}>
      {label}
      {optional ? <span className="optional"> {t.common.optional}</span> : null}
    </label>
  );
}

/**
 * The change handlers of a text box holding at most `maxChars` characters, counted as the node
 * counts them (`text.ts`). The HTML `maxlength` attribute counts UTF-16 units, so it would stop an
 * Arabic title with emoji or a Chinese one with rare characters at half the node's limit: text
 * boxes take `maxChars` instead, and never `maxLength`. Text typed or pasted beyond the limit is
 * cut between characters as a reader sees them, and the caret stays where the typing ended. While
 * an input method composes a character (Chinese, Japanese, Korean), the box is left alone, and
 * the limit applies when the character is chosen.
 */
export function useCharacterLimit(value: string, onChange: (value: string) => void, maxChars: number | undefined) {
  const composingFrom = useRef<string | null>(null);
  const apply = (el: HTMLInputElement | HTMLTextAreaElement, before: string) => {
    if (maxChars === undefined) return onChange(el.value);
    const limited = limitEdit(before, el.value, maxChars);
    if (limited.value !== el.value) {
      // Put the cut text in the box before React does, so that the caret stays where typing ended.
      el.value = limited.value;
      el.setSelectionRange(limited.caret, limited.caret);
    }
    onChange(limited.value);
  };
  return {
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      if (composingFrom.current !== null) return onChange(e.target.value);
      apply(e.target, value);
    },
    onCompositionStart: () => {
      composingFrom.current = value;
    },
    onCompositionEnd: (e: CompositionEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      const before = composingFrom.current ?? value;
      composingFrom.current = null;
      apply(e.currentTarget, before);
    },
  };
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'className' | 'maxLength'>;

/**
 * Free text (a title, a name, a search) may be written in any script: with `dir="auto"` an entry in
 * Arabic reads right to left in its box. Addresses, numbers and dates keep the page's direction.
 */
const FREE_TEXT = new Set(['text', 'search']);

export function TextField({
  id,
  label,
  hint,
  errors,
  optional,
  value,
  onChange,
  className,
  maxChars,
  ...input
}: Described &
  InputProps & {
    label: string;
    optional?: boolean;
    value: string;
    onChange: (value: string) => void;
    className?: string;
    /** The node's limit, in characters (see `useCharacterLimit`). */
    maxChars?: number;
  }) {
  const d = description({ id, hint, errors });
  const limit = useCharacterLimit(value, onChange, maxChars);
  return (
    <div className={`field${d.invalid ? ' field-invalid' : ''}`}>
      <Label id={id} label={label} optional={optional} />
      {d.nodes}
      <input
        className={`input${className ? ` ${className}` : ''}`}
        id={id}
        name={id}
        type="text"
        dir={FREE_TEXT.has(input.type ?? 'text') ? 'auto' : undefined}
        value={value}
        {...limit}
        aria-describedby={d.describedBy}
        aria-invalid={d.invalid}
        {...input}
      />
    </div>
  );
}

export function SelectField<V extends string>({
  id,
  label,
  hint,
  errors,
  value,
  options,
  onChange,
}: Described & { label: string; value: V; options: readonly { value: V; label: string }[]; onChange: (value: V) => void }) {
  const d = description({ id, hint, errors });
  return (
    <div className={`field${d.invalid ? ' field-invalid' : ''}`}>
      <Label id={id} label={label} />
      {d.nodes}
      <select
        className="select"
        id={id}
        name={id}
        value={value}
        onChange={(e) => onChange(e.target.value as V)}
        aria-describedby={d.describedBy}
        aria-invalid={d.invalid}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxField({
  id,
  label,
  hint,
  errors,
  checked,
  onChange,
}: Described & { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const d = description({ id, hint, errors });
  return (
    <div className={`field field-checkbox${d.invalid ? ' field-invalid' : ''}`}>
      <input
        className="checkbox"
        type="checkbox"
        id={id}
        name={id}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={d.describedBy}
        aria-invalid={d.invalid}
      />
      <div>
        <label className="label" htmlFor={id}>
          {label}
        </label>
        {d.nodes}
      </div>
    </div>
  );
}

/** A choice among a few options, each with a sentence saying what it means. */
export function RadioGroup<V extends string>({
  id,
  legend,
  errors,
  value,
  options,
  onChange,
}: {
  id: string;
  legend: string;
  errors?: readonly string[] | undefined;
  value: V | null;
  options: readonly { value: V; label: string; hint?: string }[];
  onChange: (value: V) => void;
}) {
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <fieldset className={`field fieldset${errorId ? ' field-invalid' : ''}`} aria-describedby={errorId}>
      <legend className="label">{legend}</legend>
      {errorId ? (
        <p className="field-message" id={errorId}>
          {errors!.join(' ')}
        </p>
      ) : null}
      {options.map((o, i) => {
        // The first radio carries the group's id, so that an error link can focus the group.
        const optionId = i === 0 ? id : `${id}-${o.value}`;
        return (
          <div className="radio" key={o.value}>
            <input
              type="radio"
              id={optionId}
              name={id}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              aria-describedby={o.hint ? `${optionId}-hint` : undefined}
            />
            <div>
              <label htmlFor={optionId}>{o.label}</label>
              {o.hint ? (
                <p className="hint" id={`${optionId}-hint`}>
                  {o.hint}
                </p>
              ) : null}
            </div>
          </div>
        );
      })}
    </fieldset>
  );
}
