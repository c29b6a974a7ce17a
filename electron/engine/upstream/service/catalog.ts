/**
 * The built-in sample catalog: a deterministic set of categories and updates (from a seed and a size), and the
 * churn steps tests use to change it between syncs. Every change is stamped with a change counter, which is
 * what the anchors handed to clients encode.
 */
import { CLASSIFICATIONS } from '../soap/protocol-names';
import type { UpdateIdentity } from '../update-metadata';
import { CLASSIFICATION_MIX, COMPANY, DETECTOIDS, FAMILIES, inventedGuid, PRODUCTS, SEVERITIES, type ProductDefinition } from './catalog-data';
import type { CatalogCategory, CatalogDetectoid, CatalogUpdate } from './catalog-model';
import { CATALOG_LANGUAGES, drawShape, languageSetFor, languageSetOf, SHAPE_RATES, type ExtremeShape, type UpdateShape } from './catalog-shape';
import { SeededRandom } from './random';
import { AnchorMismatchError, type RevisionData, type RevisionFilter, type UpstreamCatalog } from './upstream-catalog';
import { categoryXml, detectoidXml, fileUrlsOf, updateFiles, updateXml } from './update-xml-writer';

export type { RevisionFilter } from './upstream-catalog';
export { AnchorMismatchError } from './upstream-catalog';

export interface ChurnStep {
  add?: number;
  revise?: number;
  expire?: number;
  remove?: number;
  /** Adds a product (under the Windows family unless said otherwise) and this many updates for it. */
  addProduct?: { name: string; updates?: number };
  /** Adds one update of exactly this shape (thousands of files, megabytes of XML, a bundle of a hundred…). */
  extreme?: ExtremeShape;
}

export interface ChurnResult {
  counter: number;
  added: string[];
  revised: string[];
  expired: string[];
  removed: string[];
  addedProduct?: string;
}

const FIRST_DAY = Date.UTC(2016, 0, 12);
const LAST_DAY = Date.UTC(2026, 9, 14);
const DAY = 86_400_000;

export class SampleCatalog implements UpstreamCatalog {
  readonly categories: CatalogCategory[] = [];
  readonly detectoids: CatalogDetectoid[] = [];
  readonly updates: CatalogUpdate[] = [];
  private readonly byId = new Map<string, CatalogUpdate>();
  private readonly categoryById = new Map<string, CatalogCategory>();
  private readonly detectoidById = new Map<string, CatalogDetectoid>();
  /** Bumped when the server's identity changes (a restored or rebuilt server): every earlier anchor becomes unknown. */
  private identity = 0;
  private readonly random: SeededRandom;
  /** The last updates (up to 50) of each supersedence chain: product, classification and architecture. */
  private readonly chains = new Map<string, string[]>();
  private counter = 1;
  private nextKb = 5_000_001;
  private sequence = 0;
  readonly products: ProductDefinition[] = [...PRODUCTS];

  private constructor(readonly seed: number) {
    this.random = new SeededRandom(seed);
  }

  static generate(options: { updates: number; seed: number }): SampleCatalog {
    if (!Number.isInteger(options.updates) || options.updates < 0 || options.updates > 500_000) {
      throw new RangeError('The sample catalog holds from 0 to 500,000 updates.');
    }
    const catalog = new SampleCatalog(options.seed);
    catalog.addCategory({ ...COMPANY, categoryType: 'Company' });
    for (const family of FAMILIES) catalog.addCategory({ ...family, categoryType: 'ProductFamily', parentId: COMPANY.id });
    for (const product of PRODUCTS) catalog.addProductCategory(product);
    for (const classification of CLASSIFICATIONS) {
      catalog.addCategory({ id: classification.id, name: classification.name, real: true, categoryType: 'UpdateClassification' });
    }
    for (const detectoid of DETECTOIDS) {
      const entry: CatalogDetectoid = { ...detectoid, revision: 100, lastChanged: catalog.counter };
      catalog.detectoids.push(entry);
      catalog.detectoidById.set(entry.id, entry);
    }
    const span = LAST_DAY - FIRST_DAY;
    for (let index = 0; index < options.updates; index++) {
      catalog.createUpdate(
        new Date(FIRST_DAY + Math.floor((span * index) / Math.max(1, options.updates))),
        catalog.random.weighted(PRODUCTS.map((p) => [p, p.weight] as const)),
      );
    }
    return catalog;
  }

  get changeCounter(): number {
    return this.counter;
  }

  /** The anchor of the current state: `<counter>,<yyyy-MM-dd HH:mm:ss.fff>` like a Windows upstream server. */
  anchor(): string {
    return `${this.counter},${this.anchorTime(this.counter)}`;
  }

  /** The change counter an anchor stands for; an anchor this catalog never issued means the server changed. */
  counterOf(anchor: string): number {
    const [counterText, time] = anchor.split(',');
    const counter = Number(counterText);
    if (!Number.isInteger(counter) || counter < 1 || counter > this.counter || time !== this.anchorTime(counter)) {
      throw new AnchorMismatchError(`Anchor ${anchor} was not issued by this server`);
    }
    return counter;
  }

  update(id: string): CatalogUpdate | undefined {
    return this.byId.get(id.toLowerCase());
  }

  category(id: string): CatalogCategory | undefined {
    return this.categoryById.get(id.toLowerCase());
  }

  /** Categories, classifications and detectoids changed after the counter (all of them without one). */
  listConfigRevisions(sinceCounter?: number): UpdateIdentity[] {
    return [...this.categories, ...this.detectoids]
      .filter((entry) => sinceCounter === undefined || entry.lastChanged > sinceCounter)
      .map((entry) => ({ updateId: entry.id, revision: entry.revision }));
  }

  /**
   * The server's identity changes (as when a WSUS server is rebuilt or restored): anchors issued before are no
   * longer recognized, so a client holding one gets ServerChanged and must list everything again.
   */
  changeIdentity(): void {
    this.identity++;
  }

  /**
   * Updates of the listed (leaf) products AND classifications, with their bundled children; only those changed
   * after the anchor, except for a category or classification whose delta flag is false. Removed updates are
   * never listed; only the highest revision is.
   */
  listUpdates(filter: RevisionFilter): UpdateIdentity[] {
    const categories = new Map(filter.categories.map((item) => [item.id.toLowerCase(), item.delta]));
    const classifications = new Map(filter.classifications.map((item) => [item.id.toLowerCase(), item.delta]));
    const unfiltered = categories.size === 0 && classifications.size === 0;
    const result: UpdateIdentity[] = [];
    for (const update of this.updates) {
      if (update.state === 'removed' || update.parentId !== undefined) continue;
      const productDelta = unfiltered ? true : categories.get(update.product.id);
      const classificationDelta = unfiltered ? true : classifications.get(update.classificationId);
      if (productDelta === undefined || classificationDelta === undefined) continue;
      const everything = filter.sinceCounter === undefined || !productDelta || !classificationDelta;
      if (!everything && update.lastChanged <= filter.sinceCounter!) continue;
      result.push({ updateId: update.id, revision: update.revision });
      for (const childId of update.childIds) {
        const leaf = this.byId.get(childId);
        if (leaf !== undefined && leaf.state !== 'removed' && (everything || leaf.lastChanged > filter.sinceCounter!)) {
          result.push({ updateId: leaf.id, revision: leaf.revision });
        }
      }
    }
    return result;
  }

  /** Applies one churn step; all its changes share one new change counter. */
  churn(step: ChurnStep): ChurnResult {
    this.counter++;
    const result: ChurnResult = { counter: this.counter, added: [], revised: [], expired: [], removed: [] };
    const live = () => this.updates.filter((update) => update.parentId === undefined && update.state === 'published');
    for (const update of this.pickSome(live(), step.revise ?? 0)) {
      update.revision++;
      update.revised = true;
      update.revisedDate = this.revisionDate(update);
      this.touch(update);
      result.revised.push(update.id);
    }
    for (const update of this.pickSome(live(), step.expire ?? 0)) {
      update.revision++;
      update.state = 'expired';
      update.revisedDate = this.revisionDate(update);
      this.touch(update);
      result.expired.push(update.id);
    }
    for (const update of this.pickSome(live(), step.remove ?? 0)) {
      update.state = 'removed';
      for (const childId of update.childIds) this.byId.get(childId)!.state = 'removed';
      result.removed.push(update.id);
    }
    const newest = this.updates.reduce((latest, update) => Math.max(latest, update.date.getTime()), FIRST_DAY);
    for (let index = 0; index < (step.add ?? 0); index++) {
      const product = this.random.weighted(this.products.map((p) => [p, p.weight] as const));
      result.added.push(this.createUpdate(new Date(newest + DAY * (1 + index / 100)), product).id);
    }
    if (step.addProduct !== undefined) {
      const added: ProductDefinition = {
        ...{ id: inventedGuid(step.addProduct.name), name: step.addProduct.name, real: false },
        family: 'Windows',
        kind: 'windowsServer',
        titleName: step.addProduct.name,
        weight: 0,
      };
      if (this.categoryById.has(added.id)) throw new RangeError(`The catalog already has a product named ${step.addProduct.name}.`);
      this.products.push(added);
      this.addProductCategory(added);
      result.addedProduct = added.id;
      for (let index = 0; index < (step.addProduct.updates ?? 10); index++) {
        result.added.push(this.createUpdate(new Date(newest + DAY), added).id);
      }
    }
    if (step.extreme !== undefined) result.added.push(this.createExtreme(step.extreme, new Date(newest + DAY)).id);
    return result;
  }

  /** One update of exactly the shape asked for (the /control interface's "extreme"). */
  private createExtreme(shape: ExtremeShape, date: Date): CatalogUpdate {
    const product = this.products.find((candidate) => candidate.id === (shape.product ?? PRODUCTS[0]!.id).toLowerCase());
    if (product === undefined) throw new RangeError(`The catalog has no product ${shape.product}.`);
    const classificationId = (shape.classification ?? CLASSIFICATIONS.find((entry) => entry.name === 'Security Updates')!.id).toLowerCase();
    const classification = CLASSIFICATIONS.find((entry) => entry.id === classificationId);
    if (classification === undefined) throw new RangeError(`There is no classification ${shape.classification}.`);
    for (const [name, value, max] of [
      ['files', shape.files, 100_000],
      ['xmlBytes', shape.xmlBytes, 512 * 1024 * 1024],
      ['languages', shape.languages, 100],
      ['bundled', shape.bundled, 10_000],
      ['titleChars', shape.titleChars, 1_000_000],
      ['supersedes', shape.supersedes, 10_000],
      ['depth', shape.depth, 100_000],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > max))
        throw new RangeError(`extreme.${name} must be a whole number from 0 to ${max}`);
    }
    const languageSet = languageSetOf(shape.languages);
    const update = this.createUpdate(date, product, {
      classificationName: classification.name,
      shape: { languageSet, files: shape.bundled ? 0 : (shape.files ?? 1), titleChars: shape.titleChars ?? 0, textBytes: 0, depth: shape.depth ?? 0 },
      bundled: shape.bundled ?? 0,
      leafFiles: shape.files ?? 1,
      supersedes: shape.supersedes ?? 0,
    });
    if (shape.xmlBytes !== undefined) {
      // Padding in every language it carries, measured on the XML as served, until it reaches the size asked for.
      const current = Buffer.byteLength(this.revisionData({ updateId: update.id, revision: update.revision })!.xml);
      update.shape = { ...update.shape, textBytes: Math.max(0, shape.xmlBytes - current) };
    }
    return update;
  }

  private pickSome(pool: CatalogUpdate[], count: number): CatalogUpdate[] {
    const chosen: CatalogUpdate[] = [];
    const copy = [...pool];
    while (chosen.length < count && copy.length > 0) {
      const index = Math.floor(this.random.next() * copy.length);
      chosen.push(copy[index]!);
      copy[index] = copy[copy.length - 1]!;
      copy.pop();
    }
    return chosen;
  }

  /** A new revision's CreationDate: some days after the one before, a day further for each churn step. */
  private revisionDate(update: CatalogUpdate): Date {
    return new Date((update.revisedDate ?? update.date).getTime() + (this.counter % 28) * 86_400_000 + 86_400_000);
  }

  private touch(update: CatalogUpdate): void {
    update.lastChanged = this.counter;
    for (const childId of update.childIds) {
      const leaf = this.byId.get(childId)!;
      leaf.revision++;
      leaf.state = update.state;
      if (update.revisedDate !== undefined) leaf.revisedDate = update.revisedDate;
      leaf.lastChanged = this.counter;
    }
  }

  private anchorTime(counter: number): string {
    const time = new Date(Date.UTC(2026, 0, 1) + (this.seed % 100_000) * 60_000 + this.identity * 86_400_000 + counter * 1_000);
    return time.toISOString().replace('T', ' ').replace('Z', '');
  }

  private addCategory(category: Omit<CatalogCategory, 'revision' | 'lastChanged'>): void {
    const entry: CatalogCategory = { ...category, revision: 100, lastChanged: this.counter };
    this.categories.push(entry);
    this.categoryById.set(entry.id, entry);
  }

  private addProductCategory(product: ProductDefinition): void {
    const family = FAMILIES.find((candidate) => candidate.name === product.family)!;
    this.addCategory({ id: product.id, name: product.name, real: product.real, categoryType: 'Product', parentId: family.id });
  }

  /**
   * One update, its shape drawn from the seed (or given: an extreme update). `supersedes`: how many of the updates
   * before it in its chain it lists (a chain is made that long first when it is shorter).
   */
  private createUpdate(
    date: Date,
    product: ProductDefinition,
    given?: { classificationName: string; shape: UpdateShape; bundled: number; leafFiles: number; supersedes: number },
  ): CatalogUpdate {
    const random = this.random;
    const classificationName = given?.classificationName ?? random.weighted(CLASSIFICATION_MIX[product.kind]);
    const classification = CLASSIFICATIONS.find((candidate) => candidate.name === classificationName)!;
    const sequence = this.sequence++;
    const security = classificationName === 'Security Updates';
    const update: CatalogUpdate = {
      id: random.guid(),
      revision: 200 + random.int(0, 5),
      product,
      classificationId: classification.id,
      classificationName,
      kb: this.nextKb++,
      date,
      sequence,
      architecture: random.weighted([
        ['x64', 80],
        ['ARM64', 12],
        ['x86', 8],
      ] as const),
      ...(security ? { severity: random.weighted(SEVERITIES.map((s, i) => [s, [25, 50, 20, 5][i]!] as const)) } : {}),
      ...(security && date.getUTCFullYear() < 2017
        ? { bulletin: `MS${String(date.getUTCFullYear()).slice(2)}-${String(1 + (sequence % 160)).padStart(3, '0')}` }
        : {}),
      state: 'published',
      revised: false,
      lastChanged: this.counter,
      supersedes: [],
      childIds: [],
      shape: given?.shape ?? drawShape(random, product.kind, classificationName, languageSetFor(random, product.kind, classificationName)),
    };
    // Monthly cumulative updates replace the previous one of the same product, classification and architecture; now
    // and then one lists the whole chain before it (up to 50), as Microsoft's cumulative updates do.
    const chainKey = `${product.id}/${classification.id}/${update.architecture}`;
    const cumulative = given !== undefined || (product.kind !== 'defender' && classificationName !== 'Drivers' && classificationName !== 'Tools');
    const chain = (this.chains.get(chainKey) ?? []).slice(-50);
    if (given !== undefined && given.supersedes > chain.length) {
      // An extreme update asks for a chain this long: the updates before it are made first, each superseding the last.
      while (chain.length < given.supersedes) {
        const before = { ...given, shape: { ...given.shape, files: 1, textBytes: 0, depth: 0 }, bundled: 0, supersedes: Math.min(1, chain.length) };
        chain.push(this.createUpdate(new Date(date.getTime() - DAY), product, before).id);
      }
    }
    const listed = given !== undefined ? given.supersedes : cumulative && random.next() < SHAPE_RATES.supersedesMany ? chain.length : Math.min(1, chain.length);
    if (cumulative) update.supersedes.push(...chain.slice(chain.length - listed).reverse());
    if (cumulative || product.kind === 'defender') this.chains.set(chainKey, [...chain, update.id].slice(-50));
    this.updates.push(update);
    this.byId.set(update.id, update);
    const windows = product.kind === 'windowsClient' || product.kind === 'windowsServer';
    const leaves =
      given !== undefined ? given.bundled : windows && cumulative ? (random.next() < SHAPE_RATES.hundredBundle ? 100 : random.next() < 0.5 ? 1 : 0) : 0;
    for (let index = 0; index < leaves; index++) {
      const leafShape: UpdateShape =
        given !== undefined
          ? { ...given.shape, files: given.leafFiles, textBytes: 0 }
          : drawShape(random, product.kind, classificationName, update.shape.languageSet);
      const leaf: CatalogUpdate = {
        ...update,
        id: random.guid(),
        revision: update.revision,
        supersedes: [],
        childIds: [],
        parentId: update.id,
        shape: leafShape,
      };
      update.childIds.push(leaf.id);
      this.updates.push(leaf);
      this.byId.set(leaf.id, leaf);
    }
    // A bundle's files are its bundled updates'; an update without any lists its own.
    if (leaves > 0 && given === undefined) update.shape = { ...update.shape, files: 0 };
    return update;
  }

  /** A revision still in the catalog (the current one, or an older one of a still-listed update), as GetUpdateData carries it. */
  revisionData(id: UpdateIdentity): RevisionData | undefined {
    const category = this.category(id.updateId);
    if (category !== undefined) return id.revision === category.revision ? { xml: categoryXml(category), fileDigests: [], fileUrls: [] } : undefined;
    const detectoid = this.detectoidById.get(id.updateId.toLowerCase());
    if (detectoid !== undefined) return id.revision === detectoid.revision ? { xml: detectoidXml(detectoid), fileDigests: [], fileUrls: [] } : undefined;
    const update = this.update(id.updateId);
    if (update === undefined || update.state === 'removed' || id.revision > update.revision) return undefined;
    const parent = update.parentId === undefined ? undefined : this.update(update.parentId);
    const revision = update.revision === id.revision ? update : { ...update, revision: id.revision };
    const files = updateFiles(revision, parent);
    return { xml: updateXml(revision, parent), fileDigests: files.map((file) => file.digest), fileUrls: fileUrlsOf(files, parent ?? revision) };
  }

  /** The metadata XML alone (tests and benchmarks). */
  metadataXml(id: UpdateIdentity): string | undefined {
    return this.revisionData(id)?.xml;
  }

  updateCount(): number {
    return this.updates.filter((update) => update.parentId === undefined && update.state !== 'removed').length;
  }

  /** Languages any update is described in (each update carries a set of them: catalog-shape.ts). */
  get languages(): readonly string[] {
    return CATALOG_LANGUAGES;
  }
}
