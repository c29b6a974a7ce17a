/**
 * The categories an upstream offers now (GetRevisionIdList with GetConfig), named from the categories a site already
 * holds, and from the upstream's metadata for those it does not (a site that never synchronized fetches them all, as
 * its first sync would). The pre-flight check and the choice of products by name both read them.
 */
import type { UpstreamClient } from '../upstream/client/upstream-client';
import type { CategoryRow } from './category-selection';

export interface OfferedCategories {
  rows: CategoryRow[];
  /** Categories, classifications and detectoids listed. */
  offered: number;
  /** How many of them the site did not hold yet (fetched to be named). */
  fetched: number;
}

export async function offeredCategories(
  client: UpstreamClient,
  known: readonly CategoryRow[],
  detectoids: readonly string[],
  signal?: AbortSignal,
): Promise<OfferedCategories> {
  const list = await client.getCategoryRevisions(undefined, signal);
  const offered = new Set(list.revisions.map((revision) => revision.updateId.toLowerCase()));
  const byId = new Map(known.map((row) => [row.id.toLowerCase(), row]));
  const rows = known.filter((row) => offered.has(row.id.toLowerCase()));
  const skip = new Set(detectoids.map((id) => id.toLowerCase()));
  const unnamed = list.revisions.filter((revision) => !byId.has(revision.updateId.toLowerCase()) && !skip.has(revision.updateId.toLowerCase()));
  await client.fetchMetadata(
    unnamed,
    (batch) => {
      for (const { metadata } of batch.revisions) {
        if (metadata.type !== 'Category') continue;
        const name = metadata.localized.find((text) => text.language === 'en')?.title ?? metadata.localized[0]?.title ?? metadata.updateId;
        rows.push({ id: metadata.updateId, name, type: metadata.categoryType ?? 'Product', parent: metadata.categoryGroups[0]?.[0] ?? null });
      }
    },
    signal,
  );
  return { rows, offered: list.revisions.length, fetched: unnamed.length };
}
