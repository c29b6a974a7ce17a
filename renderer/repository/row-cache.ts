/**
 * The rows of one repository query, held page by page as the grid scrolls over them. The engine sorts and filters;
 * the console keeps only the pages seen recently so scrolling through 200,000 updates never holds them all.
 */
export class RowCache<Row> {
  private readonly pages = new Map<number, Row[]>();
  private readonly pending = new Set<number>();

  /**
   * stale: the rows of the same query before the repository changed under it (a sync is committing batches). They
   * stay on screen until this cache's own pages arrive, so a live refresh never flashes "Loading…".
   */
  constructor(
    readonly pageSize: number,
    private readonly maxPages: number,
    private readonly stale?: RowCache<Row>,
  ) {}

  rowAt(index: number): Row | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page === undefined ? this.stale?.rowAt(index) : page[index % this.pageSize];
  }

  /** The pages that rows [first, last] need and that are neither held nor being fetched. */
  missingPages(first: number, last: number): number[] {
    const missing: number[] = [];
    if (last < first) return missing;
    for (let page = Math.floor(first / this.pageSize); page <= Math.floor(last / this.pageSize); page++) {
      if (!this.pages.has(page) && !this.pending.has(page)) missing.push(page);
    }
    return missing;
  }

  markPending(page: number): void {
    this.pending.add(page);
  }

  /** Stores a fetched page; the least recently stored pages go first when the cache is full. */
  put(page: number, rows: Row[]): void {
    this.pending.delete(page);
    this.pages.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
  }

  /** A fetch that failed: the page may be asked for again. */
  forget(page: number): void {
    this.pending.delete(page);
  }

  get pageCount(): number {
    return this.pages.size;
  }
}
