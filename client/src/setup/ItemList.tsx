import { type Item, item } from "./model.ts";

export interface ItemListProps {
  readonly items: readonly Item[];
  readonly onChange: (items: readonly Item[]) => void;
  readonly idOf: (key: number) => string;
  /** Labels by 1-based position: "Fråga 2 i runda 1", "Ta bort fråga 2 i runda 1". */
  readonly label: (n: number) => string;
  readonly removeLabel: (n: number) => string;
  readonly removeText: string;
  readonly addLabel: string;
  readonly addId: string;
  readonly min: number;
  readonly max: number;
  readonly maxHint: string;
  readonly errorFor: (id: string) => string | undefined;
  readonly focus: (id: string) => void;
  /** The workshop's language: what is typed here is in it. */
  readonly lang: string;
}

/**
 * An editable list of one-line texts (prompts, table names, perspectives). Adding focuses the
 * new line; removing focuses the line that took its place, or the add button.
 */
export function ItemList(props: ItemListProps) {
  const { items, onChange, idOf, min, max, errorFor, focus } = props;
  const full = items.length >= max;
  const maxHintId = `${props.addId}-max`;

  function add() {
    if (full) return;
    const added = item();
    onChange([...items, added]);
    focus(idOf(added.key));
  }

  function remove(index: number) {
    const next = items.filter((_, i) => i !== index);
    onChange(next);
    const neighbour = next[index] ?? next[index - 1];
    focus(neighbour === undefined ? props.addId : idOf(neighbour.key));
  }

  return (
    <div className="item-list">
      {items.length > 0 && (
        <ol className="item-list__items">
          {items.map((entry, i) => {
            const id = idOf(entry.key);
            const error = errorFor(id);
            return (
              <li key={entry.key} className="item-list__item">
                <label htmlFor={id} className="field__label">
                  {props.label(i + 1)}
                </label>
                {error && (
                  <p id={`${id}-error`} className="field__error error">
                    {error}
                  </p>
                )}
                <div className="item-list__row">
                  <input
                    id={id}
                    className="field__input"
                    type="text"
                    value={entry.text}
                    lang={props.lang}
                    autoComplete="off"
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${id}-error` : undefined}
                    onChange={(event) =>
                      onChange(
                        items.map((other, j) => (j === i ? { ...other, text: event.target.value } : other)),
                      )
                    }
                  />
                  {items.length > min && (
                    <button
                      type="button"
                      className="button button--quiet"
                      aria-label={props.removeLabel(i + 1)}
                      onClick={() => remove(i)}
                    >
                      {props.removeText}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <button
        id={props.addId}
        type="button"
        className="button item-list__add"
        onClick={add}
        aria-disabled={full || undefined}
        aria-describedby={full ? maxHintId : undefined}
      >
        <span aria-hidden="true">+ </span>
        {props.addLabel}
      </button>
      {full && (
        <p id={maxHintId} className="hint">
          {props.maxHint}
        </p>
      )}
    </div>
  );
}
