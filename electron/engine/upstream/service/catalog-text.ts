/** Titles and descriptions of generated updates, in the shapes administrators see from Microsoft Update. */
import type { ProductDefinition } from './catalog-data';

export interface TitleFacts {
  product: ProductDefinition;
  classification: string;
  kb: number;
  date: Date;
  sequence: number;
  architecture: 'x64' | 'ARM64' | 'x86';
}

const month = (date: Date) => `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;

export function englishTitle(facts: TitleFacts): string {
  const { product, classification, kb, date, sequence, architecture } = facts;
  const name = product.titleName;
  switch (product.kind) {
    case 'defender':
      return `Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.${400 + (sequence % 90)}.${sequence % 1000}.0)`;
    case 'm365':
      return `Microsoft 365 Apps Update - Current Channel Version ${String(date.getUTCFullYear()).slice(2)}${String(date.getUTCMonth() + 1).padStart(2, '0')} (Build ${17000 + (sequence % 900)}.${20000 + (sequence % 300)})`;
    case 'office':
      return `${classification === 'Security Updates' ? 'Security Update' : 'Update'} for ${name} (KB${kb}) ${architecture === 'x86' ? '32' : '64'}-Bit Edition`;
    case 'sql':
      return classification === 'Security Updates'
        ? `Security Update for ${name} RTM CU${1 + (sequence % 30)} (KB${kb})`
        : `Cumulative Update ${1 + (sequence % 30)} for ${name} (KB${kb})`;
    case 'exchange':
      return `${classification === 'Security Updates' ? 'Security Update' : 'Update'} for ${name} CU${10 + (sequence % 5)} (KB${kb})`;
    case 'dotnet':
      return `${month(date)} Cumulative Update for ${name} for Windows 11 Version 23H2 for ${architecture} (KB${kb})`;
    case 'visualStudio':
      return `${classification === 'Security Updates' ? 'Security Update' : 'Update'} for ${name} (KB${kb})`;
    case 'windowsClient':
    case 'windowsServer':
      switch (classification) {
        case 'Drivers':
          return `${['Intel', 'Realtek', 'Lenovo', 'Dell', 'HP'][sequence % 5]} - ${['System', 'Net', 'Display', 'Extension', 'Firmware'][sequence % 4]} - ${10 + (sequence % 20)}.${sequence % 100}.${(sequence * 7) % 1000}.${sequence % 10}`;
        case 'Upgrades':
          return `Windows 11, version 24H2 ${architecture} en-us Feature update (KB${kb})`;
        case 'Tools':
          return `Windows Malicious Software Removal Tool ${architecture} - v5.${100 + (sequence % 40)} (KB890830)`;
        case 'Service Packs':
          return `Service Pack 1 for ${name} (KB${kb})`;
        case 'Feature Packs':
          return `Feature Pack for ${name} for ${architecture}-based Systems (KB${kb})`;
        case 'Update Rollups':
          return `${month(date)} Security Monthly Quality Rollup for ${name} for ${architecture}-based Systems (KB${kb})`;
        case 'Updates':
          return `${month(date)} Cumulative Update Preview for ${name} for ${architecture}-based Systems (KB${kb})`;
        default:
          return `${month(date)} Cumulative Update for ${name} for ${architecture}-based Systems (KB${kb})`;
      }
  }
}

const PHRASES: Record<string, Array<[RegExp, string]>> = {
  de: [
    [/Cumulative Update Preview for/, 'Vorschau des kumulativen Updates für'],
    [/Cumulative Update for/, 'Kumulatives Update für'],
    [/Security Monthly Quality Rollup for/, 'Monatliches Sicherheitsqualitätsrollup für'],
    [/Security Update for/, 'Sicherheitsupdate für'],
    [/Security Intelligence Update for/, 'Security Intelligence-Update für'],
    [/Update for/, 'Update für'],
    [/for (x64|x86|ARM64)-based Systems/, 'für $1-basierte Systeme'],
  ],
  fr: [
    [/Cumulative Update Preview for/, 'Préversion de la mise à jour cumulative pour'],
    [/Cumulative Update for/, 'Mise à jour cumulative pour'],
    [/Security Monthly Quality Rollup for/, 'Correctif cumulatif mensuel de qualité et de sécurité pour'],
    [/Security Update for/, 'Mise à jour de sécurité pour'],
    [/Security Intelligence Update for/, 'Mise à jour de la veille de sécurité pour'],
    [/Update for/, 'Mise à jour pour'],
    [/for (x64|x86|ARM64)-based Systems/, 'pour les systèmes $1'],
  ],
  ja: [
    [/Cumulative Update for (.+) for (x64|x86|ARM64)-based Systems/, '$2 ベース システム用 $1 の累積更新プログラム'],
    [/Security Update for (.+)/, '$1 のセキュリティ更新プログラム'],
  ],
};

export function localizedTitle(english: string, language: string): string {
  let title = english;
  for (const [pattern, replacement] of PHRASES[language] ?? []) title = title.replace(pattern, replacement);
  return title;
}

export function englishDescription(facts: TitleFacts, revised: boolean): string {
  const base =
    facts.classification === 'Security Updates'
      ? `A security issue has been identified in ${facts.product.titleName} that could allow an attacker to compromise a system running it and gain control over it. Install this update to protect the system against it.`
      : facts.classification === 'Definition Updates'
        ? 'Install this update to revise the files that are used to detect viruses, spyware and other potentially unwanted software. Once installed, it cannot be removed.'
        : facts.classification === 'Drivers'
          ? `${englishTitle(facts)} driver update released for devices running ${facts.product.titleName}.`
          : `This update resolves reliability and compatibility issues in ${facts.product.titleName}. See the linked knowledge base article for the list of changes.`;
  const restart = ' After you install this item, you may have to restart the computer.';
  return revised ? `${base}${restart} The metadata of this update was revised.` : `${base}${restart}`;
}

export function localizedDescription(english: string, language: string): string {
  if (language === 'de') return `${english} (Deutsch: Installieren Sie dieses Update, um das Problem zu beheben.)`;
  if (language === 'fr') return `${english} (Français : installez cette mise à jour pour résoudre le problème.)`;
  if (language === 'ja') return `${english}（この更新プログラムをインストールしてください。）`;
  return english;
}
