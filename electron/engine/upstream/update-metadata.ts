/** What the engine keeps from one revision of an update's metadata XML. */
export type UpdateType = 'Software' | 'Category' | 'Detectoid' | 'Driver';
export type CategoryType = 'Company' | 'ProductFamily' | 'Product' | 'UpdateClassification';
export type PublicationState = 'Published' | 'Expired';

export interface UpdateIdentity {
  updateId: string;
  revision: number;
}

/** One ServerSyncUrlData entry of a GetUpdateData answer: where a file can be downloaded. */
export interface FileUrl {
  /** Base64 SHA-1 of the file, as in FileDigestList. */
  digest: string;
  muUrl: string;
  ussUrl?: string;
}

/** A revision as a GetUpdateData answer carries it: the metadata XML, its FileDigestList and its file URLs. */
export interface RevisionPayload {
  xml: string;
  fileDigests: string[];
  fileUrls: FileUrl[];
  /** The cabinet the XML arrived in (XmlUpdateBlobCompressed), kept as it is instead of compressing the XML again. */
  cabinet?: Uint8Array;
}

export interface LocalizedText {
  language: string;
  title: string;
  description?: string;
}

export interface UpdateFile {
  digest: string;
  fileName: string;
  size: number;
}

export interface UpdateMetadata extends UpdateIdentity {
  type: UpdateType;
  categoryType?: CategoryType;
  defaultLanguage: string;
  localized: LocalizedText[];
  kb?: string;
  bulletin?: string;
  msrcSeverity?: string;
  creationDate?: string;
  publicationState: PublicationState;
  explicitlyDeployable: boolean;
  /** Each `AtLeastOne IsCategory="true"` group: products in one, the classification in another; a category's parent. */
  categoryGroups: string[][];
  /** Plain prerequisites (detectoids, other updates). */
  prerequisites: string[];
  supersedes: string[];
  bundled: UpdateIdentity[];
  files: UpdateFile[];
  moreInfoUrl?: string;
  supportUrl?: string;
}

/** Title in the preferred language, falling back to the update's default language, then to any. */
export function titleOf(update: Pick<UpdateMetadata, 'localized' | 'defaultLanguage'>, language = 'en'): string {
  const pick =
    update.localized.find((text) => text.language === language) ??
    update.localized.find((text) => text.language === update.defaultLanguage) ??
    update.localized[0];
  return pick?.title ?? '';
}
