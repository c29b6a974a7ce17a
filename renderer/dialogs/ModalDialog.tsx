/** The frame every modal dialog of the console shares: backdrop, dialog semantics and the keyboard of useModal. */
import type { FormEvent, ReactNode } from 'react';
import { useModal } from './use-modal';

interface ModalDialogProps {
  /** Classes beside `dialog` (wide, properties). */
  className?: string;
  /** The id of the dialog's heading, or a label when it has none yet (while loading). */
  labelledBy?: string;
  label?: string;
  onEscape(): void;
  /** A dialog with a form submits on Enter; without it, the frame is a plain element. */
  onSubmit?(event: FormEvent<HTMLFormElement>): void;
  children: ReactNode;
}

export function ModalDialog({ className, labelledBy, label, onEscape, onSubmit, children }: ModalDialogProps) {
  const modal = useModal<HTMLElement>(onEscape);
  const frame = {
    ref: modal.ref,
    className: className === undefined ? 'dialog' : `dialog ${className}`,
    role: 'dialog',
    'aria-modal': true,
    'aria-labelledby': labelledBy,
    'aria-label': label,
    tabIndex: -1,
    onKeyDown: modal.onKeyDown,
  } as const;
  return (
    <div className="modal-backdrop" role="presentation">
      {onSubmit === undefined ? (
        <div {...frame}>{children}</div>
      ) : (
        <form {...frame} onSubmit={onSubmit}>
          {children}
        </form>
      )}
    </div>
  );
}
