/**
 * Everything the details pane shows about one update: its rows in the site database, and what only its metadata
 * holds (the text in each language, the files and their download URLs), read from the blob store.
 */
import type { ApiResult } from '../../../shared/contract';
import { noteDamagedRecord } from '../storage/blob-damage';
import { BlobStoreError } from '../storage/blob-store';
import type { SiteDatabase } from '../storage/site-database';
import { parseUpdateXml, UpdateXmlError } from '../upstream/xml/update-xml';
import { updateDetailRows } from '../storage/repository-queries';

export function updateDetails(database: SiteDatabase, updateId: string, languages: readonly string[]): ApiResult<'getUpdateDetails'> | undefined {
  const rows = updateDetailRows(database, updateId);
  if (rows === undefined) return undefined;
  const { location, ...shown } = rows;
  let texts: ApiResult<'getUpdateDetails'>['texts'] = [];
  let files: ApiResult<'getUpdateDetails'>['files'] = [];
  let metadataProblem: string | null = null;
  let moreInfoUrl: string | null = null;
  if (location === undefined) {
    metadataProblem = 'This update was stored before its metadata was kept; the next full synchronization stores it.';
  } else {
    try {
      const record = database.blobs.read(location, { updateId: rows.update.updateId, revision: location.revision });
      const metadata = parseUpdateXml(record.xml);
      const wanted = metadata.localized.filter((text) => languages.includes(text.language));
      texts = (wanted.length > 0 ? wanted : metadata.localized)
        .map((text) => ({ language: text.language, title: text.title, description: text.description ?? null }))
        .sort((a, b) => a.language.localeCompare(b.language));
      const urls = new Map(record.fileUrls.map((url) => [url.digest, url.muUrl]));
      files = metadata.files.map((file) => ({ fileName: file.fileName, size: file.size, digest: file.digest, url: urls.get(file.digest) ?? null }));
      moreInfoUrl = metadata.moreInfoUrl ?? null;
    } catch (error) {
      if (!(error instanceof BlobStoreError) && !(error instanceof UpdateXmlError)) throw error;
      if (error instanceof BlobStoreError) noteDamagedRecord(database, rows.update.updateId, location.offset);
      metadataProblem = error.message;
    }
  }
  return { ...shown, texts, files, moreInfoUrl, metadataProblem };
}
