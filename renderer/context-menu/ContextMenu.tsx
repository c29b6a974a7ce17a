import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { MenuItem } from './menu-items';

export interface ContextMenuProps {
  x: number;
  y: number;
  label: string;
  items: MenuItem[];
  onClose(): void;
}

/** An in-page context menu (so it behaves the same in Electron and a browser, and can be tested). */
export function ContextMenu({ x, y, label, items, onClose }: ContextMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(() => firstEnabled(items, 0, 1));
  const [position, setPosition] = useState({ left: x, top: y });

  useLayoutEffect(() => {
    const element = menu.current;
    if (element === null) return;
    const rect = element.getBoundingClientRect();
    setPosition({
      left: Math.max(0, Math.min(x, window.innerWidth - rect.width - 4)),
      top: Math.max(0, Math.min(y, window.innerHeight - rect.height - 4)),
    });
  }, [x, y]);

  useEffect(() => {
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active]);

  useEffect(() => {
    const close = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node)) onClose();
    };
    const onBlur = () => onClose();
    document.addEventListener('mousedown', close, true);
    window.addEventListener('blur', onBlur);
    return () => {
      document.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', onBlur);
    };
  }, [onClose]);

  const activate = (item: MenuItem | undefined) => {
    if (item === undefined || item.disabled) return;
    onClose();
    item.run();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    switch (event.key) {
      case 'ArrowDown':
        setActive((index) => firstEnabled(items, index + 1, 1));
        break;
      case 'ArrowUp':
        setActive((index) => firstEnabled(items, index - 1, -1));
        break;
      case 'Home':
        setActive(firstEnabled(items, 0, 1));
        break;
      case 'End':
        setActive(firstEnabled(items, items.length - 1, -1));
        break;
      case 'Enter':
      case ' ':
        activate(items[active]);
        break;
      case 'Escape':
      case 'Tab':
        onClose();
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      ref={menu}
      className="context-menu"
      role="menu"
      aria-label={label}
      style={{ left: position.left, top: position.top }}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => event.preventDefault()}
    >
      {items.map((item, index) => (
        <div
          key={item.id}
          role="menuitem"
          tabIndex={index === active ? 0 : -1}
          aria-disabled={item.disabled === true ? true : undefined}
          title={item.reason}
          aria-description={item.disabled === true ? item.reason : undefined}
          className={`context-menu-item${index === active ? ' active' : ''}${item.disabled ? ' disabled' : ''}${item.disabled === true && item.note !== undefined ? ' with-note' : ''}`}
          onMouseEnter={() => !item.disabled && setActive(index)}
          onClick={() => activate(item)}
        >
          <span>{item.label}</span>
          {item.shortcut !== undefined && <span className="shortcut">{item.shortcut}</span>}
          {item.disabled === true && item.note !== undefined && (
            <span className="menu-note" aria-hidden="true">
              {item.note}
            </span>
          )}
        </div>
      ))}
    </div>
  );
}

function firstEnabled(items: MenuItem[], from: number, step: 1 | -1): number {
  const count = items.length;
  if (count === 0) return 0;
  for (let offset = 0; offset < count; offset++) {
    const index = (((from + offset * step) % count) + count) % count;
    if (!items[index]?.disabled) return index;
  }
  return 0;
}
