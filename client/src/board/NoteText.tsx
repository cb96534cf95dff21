import { useEffect, useRef } from "react";
import type * as Y from "yjs";
import { replaceText } from "../../../shared/schema/values.ts";
import { transformIndex } from "./caret.ts";

/** Marks this textarea's own edits, so its observer does not echo them back. */
const TYPING = Symbol("typing");

interface NoteTextProps {
  readonly text: Y.Text;
  readonly label: string;
  readonly lang: string;
  readonly readOnly: boolean;
  readonly autoFocus: boolean;
  readonly onFocus: () => void;
  readonly onBlur: (value: string) => void;
}

/**
 * A textarea bound to a note's Y.Text. Uncontrolled on purpose: remote edits are written
 * straight into the element with the caret moved along, so typing never jumps.
 */
export function NoteText({ text, label, lang, readOnly, autoFocus, onFocus, onBlur }: NoteTextProps) {
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    element.value = text.toString();
    const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.origin === TYPING) return;
      const focused = document.activeElement === element;
      const { selectionStart, selectionEnd } = element;
      element.value = text.toString();
      if (focused) {
        element.setSelectionRange(
          transformIndex(selectionStart, event.delta),
          transformIndex(selectionEnd, event.delta, selectionEnd > selectionStart),
        );
      }
    };
    text.observe(observer);
    return () => text.unobserve(observer);
  }, [text]);

  useEffect(() => {
    if (autoFocus) ref.current?.focus();
  }, [autoFocus]);

  return (
    <textarea
      ref={ref}
      className="note__text"
      aria-label={label}
      lang={lang}
      readOnly={readOnly}
      rows={3}
      maxLength={2000}
      onFocus={onFocus}
      onBlur={(event) => onBlur(event.target.value)}
      onInput={(event) => {
        const value = event.currentTarget.value;
        text.doc?.transact(() => replaceText(text, value), TYPING);
      }}
    />
  );
}
