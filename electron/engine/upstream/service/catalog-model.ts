/** The entries of the built-in sample catalog: what the generator makes and the XML writer describes. */
import type { Architecture, CategoryDefinition, DetectoidDefinition, ProductDefinition } from './catalog-data';
import type { UpdateShape } from './catalog-shape';

export type EntryState = 'published' | 'expired' | 'removed';

export interface CatalogCategory extends CategoryDefinition {
  revision: number;
  categoryType: 'Company' | 'ProductFamily' | 'Product' | 'UpdateClassification';
  parentId?: string;
  lastChanged: number;
}

export interface CatalogDetectoid extends DetectoidDefinition {
  revision: number;
  lastChanged: number;
}

export interface CatalogUpdate {
  id: string;
  revision: number;
  product: ProductDefinition;
  classificationId: string;
  classificationName: string;
  kb: number;
  /** The first revision's CreationDate (when the update was released). */
  date: Date;
  /** The current revision's CreationDate, once a revision came after the first: Microsoft Update gives each its own. */
  revisedDate?: Date;
  sequence: number;
  architecture: Architecture;
  severity?: string;
  bulletin?: string;
  state: EntryState;
  revised: boolean;
  lastChanged: number;
  supersedes: string[];
  /** Bundled leaf updates (they carry the files and are not deployed on their own). */
  childIds: string[];
  parentId?: string;
  /** Files, languages, text and nesting, as Microsoft Update's updates vary in them (catalog-shape.ts). */
  shape: UpdateShape;
}
