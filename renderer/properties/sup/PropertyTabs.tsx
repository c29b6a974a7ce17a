interface Props<T extends string> {
  tabs: readonly T[];
  current: T;
  onSelect: (tab: T) => void;
}

/** A property sheet's tab strip: one Tab stop, arrow keys move between tabs (and show them), Home and End to the ends. */
export function PropertyTabs<T extends string>({ tabs, current, onSelect }: Props<T>) {
  return (
    <div
      role="tablist"
      aria-label="Property pages"
      onKeyDown={(event) => {
        const index = tabs.indexOf(current);
        const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        const target = tabs[(next + tabs.length) % tabs.length]!;
        onSelect(target);
        event.currentTarget.querySelector<HTMLElement>(`[data-tab="${target}"]`)?.focus();
      }}
    >
      {tabs.map((name) => (
        <button
          key={name}
          type="button"
          role="tab"
          data-tab={name}
          tabIndex={current === name ? 0 : -1}
          aria-selected={current === name}
          className={current === name ? 'tab active' : 'tab'}
          onClick={() => onSelect(name)}
        >
          {name}
        </button>
      ))}
    </div>
  );
}
