import { useState } from 'react';

interface Props {
  search: string;
  status: string;
  onSearch(search: string): void;
}

/** Look for: (title, article ID or bulletin ID), Find Now, Clear, and the list's count and selection. */
export function RepositorySearchBar({ search: initial, status, onSearch }: Props) {
  const [search, setSearch] = useState(initial);
  return (
    <form
      className="search-bar"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(search);
      }}
    >
      <label>
        Look for:
        <input type="search" value={search} placeholder="Title, article ID or bulletin ID" onChange={(event) => setSearch(event.target.value)} />
      </label>
      <button type="submit">Find Now</button>
      <button
        type="button"
        onClick={() => {
          setSearch('');
          onSearch('');
        }}
      >
        Clear
      </button>
      <span className="muted" aria-live="polite">
        {status}
      </span>
    </form>
  );
}
