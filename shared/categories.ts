/**
 * Update categories as Microsoft Update identifies them. A site keeps its products and classifications by these IDs,
 * as ConfigMgr does: Microsoft renames products (Office 365 Client became Microsoft 365 Apps), and two products may
 * share a name's beginning ("Windows 10" and "Windows 10, version 1903 and later" are different products with
 * different updates), so a name is for display only, refreshed from each synchronization's categories.
 */

/** A category ID: a GUID, kept lower case. */
export const CATEGORY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCategoryId(text: string): boolean {
  return CATEGORY_ID.test(text.trim());
}

/** The update classifications (category type UpdateClassification) with their real GUIDs. */
export const CLASSIFICATIONS = [
  { id: '5c9376ab-8ce6-464a-b136-22113dd69801', name: 'Applications' },
  { id: '434de588-ed14-48f5-8eed-a15e09a991f6', name: 'Connectors' },
  { id: 'e6cf1350-c01b-414d-a61f-263d14d133b4', name: 'Critical Updates' },
  { id: 'e0789628-ce08-4437-be74-2495b842f43b', name: 'Definition Updates' },
  { id: 'e140075d-8433-45c3-ad87-e72345b36078', name: 'Developer Kits' },
  { id: 'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0', name: 'Drivers' },
  { id: 'b54e7d24-7add-428f-8b75-90a396fa584f', name: 'Feature Packs' },
  { id: '9511d615-35b2-47bb-927f-f73d8e9260bb', name: 'Guidance' },
  { id: '0fa1201d-4330-4fa8-8ae9-b877473b6441', name: 'Security Updates' },
  { id: '68c5b0a3-d1a6-4553-ae49-01d3a7827828', name: 'Service Packs' },
  { id: 'b4832bd8-e735-4761-8daf-37f882276dab', name: 'Tools' },
  { id: '28bc880e-0592-4cbf-8f95-c79b17911d5f', name: 'Update Rollups' },
  { id: 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83', name: 'Updates' },
  { id: '3689bdc8-b205-4af4-8d4a-a63924c5e9d5', name: 'Upgrades' },
] as const;

/**
 * Products and families whose Microsoft Update GUIDs are known (research/wsusss-protocol.md and public WSUS
 * scripts): named before a site's first synchronization has listed its categories. Display only.
 */
export const WELL_KNOWN_PRODUCTS = [
  { id: '56309036-4c77-4dd9-951a-99ee9c246a94', name: 'Microsoft' },
  { id: '6964aab4-c5b5-43bd-a17d-ffb4346a8e1d', name: 'Windows' },
  { id: '72e7624a-5b00-45d2-b92f-e561c0a6a160', name: 'Windows 11' },
  { id: 'a3c2375d-0c8a-42f9-bce0-28333e198407', name: 'Windows 10' },
  { id: 'b3c75dc1-155f-4be4-b015-3f1a91758e52', name: 'Windows 10, version 1903 and later' },
  { id: 'd2085b71-5f1f-43a9-880d-ed159016d5c6', name: 'Windows 10 LTSB' },
  { id: 'f702a48c-919b-45d6-9aef-ca4248d50397', name: 'Windows Server 2019' },
  { id: '71718f13-7324-4b0f-8f9e-2ca9dc978e53', name: 'Microsoft Server operating system-21H2' },
  { id: '2c7888b6-f9e9-4ee9-87af-a77705193893', name: 'Microsoft Server Operating System-22H2' },
  { id: 'b256987d-4693-4c87-955d-dbb9341205eb', name: 'Microsoft Server Operating System-24H2' },
  { id: '8c3fcc84-7410-4a95-8b89-a166a0190486', name: 'Microsoft Defender Antivirus' },
  { id: '682005f1-54fd-440f-b3b3-b9c652351d01', name: 'Visual Studio 2017' },
] as const;

const KNOWN_NAMES = new Map<string, string>([...CLASSIFICATIONS, ...WELL_KNOWN_PRODUCTS].map((entry) => [entry.id, entry.name]));

/** A category's name for display: from the site's categories when it has them, else a well-known name, else its ID. */
export function categoryName(id: string, known?: ReadonlyMap<string, string>): string {
  const key = id.toLowerCase();
  return known?.get(key) ?? KNOWN_NAMES.get(key) ?? key;
}

/**
 * Names administrators use for a product Microsoft Update lists under another name. Never a match: only a suggestion
 * in the message that says a name is unknown.
 */
export const PRODUCT_NAME_HINTS: Readonly<Record<string, string>> = {
  'windows server 2022': 'Microsoft Server operating system-21H2',
  'windows server 2025': 'Microsoft Server Operating System-24H2',
  'office 365 client': 'Microsoft 365 Apps/Office 2019/Office LTSC',
  'office 365': 'Microsoft 365 Apps/Office 2019/Office LTSC',
  'windows defender': 'Microsoft Defender Antivirus',
};
