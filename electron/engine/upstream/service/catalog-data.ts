/**
 * The product tree and classification mix of the built-in sample catalog. Company, family and product GUIDs
 * marked `real: true` are the ones Microsoft Update uses (see research notes); the others are invented
 * (derived from the name, so stable across runs) and must not be mistaken for Microsoft's.
 */
import { createHash } from 'node:crypto';

export type ProductKind = 'windowsClient' | 'windowsServer' | 'defender' | 'office' | 'm365' | 'sql' | 'exchange' | 'dotnet' | 'visualStudio';

export interface CategoryDefinition {
  id: string;
  name: string;
  real: boolean;
}

export interface ProductDefinition extends CategoryDefinition {
  family: string;
  kind: ProductKind;
  /** How the product is named inside update titles. */
  titleName: string;
  weight: number;
}

/** Stable GUID for a category this catalog invents (not a Microsoft GUID). */
export function inventedGuid(name: string): string {
  const hex = createHash('sha1').update(`update-sync-console/invented/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const invented = (name: string): CategoryDefinition => ({ id: inventedGuid(name), name, real: false });

export const COMPANY: CategoryDefinition = { id: '56309036-4c77-4dd9-951a-99ee9c246a94', name: 'Microsoft', real: true };

export const FAMILIES: CategoryDefinition[] = [
  { id: '6964aab4-c5b5-43bd-a17d-ffb4346a8e1d', name: 'Windows', real: true },
  invented('Office'),
  invented('SQL Server'),
  invented('Exchange'),
  invented('Developer Tools, Runtimes, and Redistributables'),
  invented('Microsoft Defender'),
];

const product = (base: CategoryDefinition, family: string, kind: ProductKind, titleName: string, weight: number): ProductDefinition => ({
  ...base,
  family,
  kind,
  titleName,
  weight,
});

export const PRODUCTS: ProductDefinition[] = [
  product({ id: '72e7624a-5b00-45d2-b92f-e561c0a6a160', name: 'Windows 11', real: true }, 'Windows', 'windowsClient', 'Windows 11 Version 23H2', 15),
  product(
    { id: 'b3c75dc1-155f-4be4-b015-3f1a91758e52', name: 'Windows 10, version 1903 and later', real: true },
    'Windows',
    'windowsClient',
    'Windows 10 Version 22H2',
    15,
  ),
  // "Windows 10" and "Windows 10, version 1903 and later" are two products with their own updates, as on Microsoft
  // Update: a selection by a name's beginning, or an alias from one to the other, loses one of them.
  product({ id: 'a3c2375d-0c8a-42f9-bce0-28333e198407', name: 'Windows 10', real: true }, 'Windows', 'windowsClient', 'Windows 10 Version 1809', 8),
  product({ id: 'd2085b71-5f1f-43a9-880d-ed159016d5c6', name: 'Windows 10 LTSB', real: true }, 'Windows', 'windowsClient', 'Windows 10 Version 1607', 4),
  product(invented('Windows Server 2016'), 'Windows', 'windowsServer', 'Windows Server 2016', 7),
  product({ id: 'f702a48c-919b-45d6-9aef-ca4248d50397', name: 'Windows Server 2019', real: true }, 'Windows', 'windowsServer', 'Windows Server 2019', 8),
  product(
    { id: '71718f13-7324-4b0f-8f9e-2ca9dc978e53', name: 'Microsoft Server operating system-21H2', real: true },
    'Windows',
    'windowsServer',
    'Microsoft server operating system version 21H2',
    8,
  ),
  product(
    { id: '2c7888b6-f9e9-4ee9-87af-a77705193893', name: 'Microsoft Server Operating System-22H2', real: true },
    'Windows',
    'windowsServer',
    'Microsoft server operating system version 22H2',
    3,
  ),
  product(
    { id: 'b256987d-4693-4c87-955d-dbb9341205eb', name: 'Microsoft Server Operating System-24H2', real: true },
    'Windows',
    'windowsServer',
    'Microsoft server operating system version 24H2',
    3,
  ),
  product(
    { id: '8c3fcc84-7410-4a95-8b89-a166a0190486', name: 'Microsoft Defender Antivirus', real: true },
    'Microsoft Defender',
    'defender',
    'Microsoft Defender Antivirus',
    10,
  ),
  product(invented('Office 2016'), 'Office', 'office', 'Microsoft Office 2016', 6),
  product(invented('Microsoft 365 Apps/Office 2019/Office LTSC'), 'Office', 'm365', 'Microsoft 365 Apps', 5),
  product(invented('Microsoft SQL Server 2019'), 'SQL Server', 'sql', 'SQL Server 2019', 3),
  product(invented('Microsoft SQL Server 2022'), 'SQL Server', 'sql', 'SQL Server 2022', 2),
  product(invented('Exchange Server 2016'), 'Exchange', 'exchange', 'Exchange Server 2016', 2),
  product(invented('Exchange Server 2019'), 'Exchange', 'exchange', 'Exchange Server 2019', 2),
  product(invented('.NET Framework'), 'Developer Tools, Runtimes, and Redistributables', 'dotnet', '.NET Framework 3.5 and 4.8.1', 5),
  product(
    { id: '682005f1-54fd-440f-b3b3-b9c652351d01', name: 'Visual Studio 2017', real: true },
    'Developer Tools, Runtimes, and Redistributables',
    'visualStudio',
    'Microsoft Visual Studio 2017 version 15.9',
    2,
  ),
];

/** Share of each classification (by name) among a product kind's updates. */
export const CLASSIFICATION_MIX: Record<ProductKind, Array<[string, number]>> = {
  windowsClient: [
    ['Security Updates', 45],
    ['Critical Updates', 8],
    ['Updates', 25],
    ['Update Rollups', 4],
    ['Drivers', 8],
    ['Upgrades', 3],
    ['Tools', 4],
    ['Feature Packs', 3],
  ],
  windowsServer: [
    ['Security Updates', 45],
    ['Critical Updates', 10],
    ['Updates', 25],
    ['Update Rollups', 8],
    ['Service Packs', 2],
    ['Tools', 5],
    ['Feature Packs', 5],
  ],
  defender: [['Definition Updates', 100]],
  office: [
    ['Security Updates', 50],
    ['Updates', 40],
    ['Critical Updates', 10],
  ],
  m365: [
    ['Updates', 70],
    ['Security Updates', 30],
  ],
  sql: [
    ['Security Updates', 40],
    ['Updates', 30],
    ['Critical Updates', 20],
    ['Service Packs', 10],
  ],
  exchange: [
    ['Security Updates', 60],
    ['Updates', 30],
    ['Update Rollups', 10],
  ],
  dotnet: [
    ['Security Updates', 50],
    ['Updates', 30],
    ['Critical Updates', 20],
  ],
  visualStudio: [
    ['Updates', 60],
    ['Security Updates', 40],
  ],
};

export const SEVERITIES = ['Critical', 'Important', 'Moderate', 'Low'] as const;

export type Architecture = 'x64' | 'ARM64' | 'x86';

export interface DetectoidDefinition extends CategoryDefinition {
  /** The architecture whose updates name this detectoid as a prerequisite. */
  architecture?: Architecture;
}

/**
 * Detectoids (UpdateType="Detectoid"): applicability checks that updates name as plain prerequisites. Microsoft
 * Update lists them with the categories (GetConfig = true); all GUIDs here are invented.
 */
export const DETECTOIDS: DetectoidDefinition[] = [
  { ...invented('Detectoid: x64-based systems'), name: 'x64-based systems', architecture: 'x64' },
  { ...invented('Detectoid: ARM64-based systems'), name: 'ARM64-based systems', architecture: 'ARM64' },
  { ...invented('Detectoid: x86-based systems'), name: 'x86-based systems', architecture: 'x86' },
  { ...invented('Detectoid: Windows 11 installed'), name: 'Windows 11 is installed' },
  { ...invented('Detectoid: Windows 10 installed'), name: 'Windows 10 is installed' },
  { ...invented('Detectoid: Windows Server installed'), name: 'Windows Server is installed' },
  { ...invented('Detectoid: Office installed'), name: 'Microsoft Office is installed' },
  { ...invented('Detectoid: SQL Server installed'), name: 'SQL Server is installed' },
  { ...invented('Detectoid: .NET Framework 4.8 installed'), name: '.NET Framework 4.8 is installed' },
];
