/**
 * What every modal dialog of the console does: focus moves into it when it opens, Tab and Shift+Tab stay inside it,
 * Escape closes it (only the topmost one, never the dialog below), and focus goes back to where it was (the tree
 * item or button that opened it) when it closes.
 */
import { useCallback, useEffect, useRef, type KeyboardEvent } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(dialog: HTMLElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.offsetParent !== null || element === document.activeElement);
}

/** The open dialogs, the topmost last: keys pressed with the focus outside every dialog belong to the topmost. */
const openDialogs: Array<{ current: HTMLElement | null }> = [];

export function useModal<T extends HTMLElement>(onEscape: () => void): { ref: (element: T | null) => void; onKeyDown: (event: KeyboardEvent<T>) => void } {
  const dialogRef = useRef<T | null>(null);
  const opener = useRef<HTMLElement | undefined>(undefined);
  const escape = useRef(onEscape);
  escape.current = onEscape;

  useEffect(() => {
    const entry = dialogRef as { current: HTMLElement | null };
    openDialogs.push(entry);
    // A click on the backdrop leaves the focus on the page's body, outside the dialog: Escape must still close it
    // and Tab must bring the focus back into it, never to the console behind.
    const onDocumentKey = (event: globalThis.KeyboardEvent) => {
      const dialog = entry.current;
      if (openDialogs.at(-1) !== entry || dialog === null || event.defaultPrevented) return;
      if (event.target instanceof Node && dialog.contains(event.target)) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        escape.current();
      } else if (event.key === 'Tab') {
        event.preventDefault();
        const items = focusables(dialog);
        (event.shiftKey ? items.at(-1) : items[0])?.focus();
      }
    };
    document.addEventListener('keydown', onDocumentKey);
    return () => {
      document.removeEventListener('keydown', onDocumentKey);
      openDialogs.splice(openDialogs.indexOf(entry), 1);
      if (opener.current !== undefined && opener.current.isConnected) opener.current.focus();
    };
  }, []);

  // A callback ref: a dialog that first shows "Loading…" and then its form gets focus into the form when it appears.
  // Focus moves one frame later: a context menu that opened the dialog puts focus back on its tree item as it closes,
  // and that item is where focus must return to.
  const ref = useCallback((element: T | null) => {
    dialogRef.current = element;
    if (element === null) return;
    requestAnimationFrame(() => {
      if (!element.isConnected) return;
      const active = document.activeElement;
      if (opener.current === undefined && active instanceof HTMLElement && !element.contains(active)) opener.current = active;
      // An element that asked for focus itself (autoFocus, a ref) keeps it; otherwise the control marked
      // data-autofocus (Cancel, where a slip of Enter must do nothing), or else the first control, gets it.
      const firstControl = () => element.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(element)[0];
      if (!element.contains(document.activeElement)) (firstControl() ?? element).focus();
      if (document.activeElement !== element) return;
      // Still loading (no control yet): the dialog holds the focus, and its first control takes it once it appears,
      // where its focus ring shows (the dialog's own is hidden).
      const observer = new MutationObserver(() => {
        const control = firstControl();
        if (!element.isConnected || document.activeElement !== element) observer.disconnect();
        else if (control !== undefined) {
          control.focus();
          observer.disconnect();
        }
      });
      observer.observe(element, { childList: true, subtree: true });
    });
  }, []);

  const onKeyDown = (event: KeyboardEvent<T>) => {
    const dialog = dialogRef.current;
    if (dialog === null) return;
    if (event.key === 'Escape') {
      event.stopPropagation();
      event.preventDefault();
      escape.current();
      return;
    }
    if (event.key !== 'Tab') return;
    // A dialog opened above this one handles its own Tab.
    event.stopPropagation();
    const items = focusables(dialog);
    if (items.length === 0) {
      event.preventDefault();
      return;
    }
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };
  return { ref, onKeyDown };
}
