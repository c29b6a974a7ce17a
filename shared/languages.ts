/**
 * The update languages Microsoft Update offers, with the Windows LCIDs an upstream server puts in
 * GetConfigData's LanguageUpdateList ([MS-WSUSSS] §3.1.4.4; the names of [MS-LCID]). The one list the engine, the
 * served sites and the console use.
 */
export interface UpdateLanguage {
  /** ShortLanguage as Microsoft Update writes it (lower case). */
  code: string;
  lcid: number;
  name: string;
}

/** LanguageID 0, ShortLanguage "all": every language. */
export const ALL_LANGUAGES_ENTRY: UpdateLanguage = { code: 'all', lcid: 0, name: 'all' };

export const UPDATE_LANGUAGES: readonly UpdateLanguage[] = [
  { code: 'ar', lcid: 1025, name: 'Arabic' },
  { code: 'bg', lcid: 1026, name: 'Bulgarian' },
  { code: 'cs', lcid: 1029, name: 'Czech' },
  { code: 'da', lcid: 1030, name: 'Danish' },
  { code: 'de', lcid: 1031, name: 'German' },
  { code: 'el', lcid: 1032, name: 'Greek' },
  { code: 'en', lcid: 1033, name: 'English' },
  { code: 'es', lcid: 3082, name: 'Spanish' },
  { code: 'et', lcid: 1061, name: 'Estonian' },
  { code: 'fi', lcid: 1035, name: 'Finnish' },
  { code: 'fr', lcid: 1036, name: 'French' },
  { code: 'he', lcid: 1037, name: 'Hebrew' },
  { code: 'hi', lcid: 1081, name: 'Hindi' },
  { code: 'hr', lcid: 1050, name: 'Croatian' },
  { code: 'hu', lcid: 1038, name: 'Hungarian' },
  { code: 'it', lcid: 1040, name: 'Italian' },
  { code: 'ja', lcid: 1041, name: 'Japanese' },
  { code: 'ko', lcid: 1042, name: 'Korean' },
  { code: 'lt', lcid: 1063, name: 'Lithuanian' },
  { code: 'lv', lcid: 1062, name: 'Latvian' },
  { code: 'nl', lcid: 1043, name: 'Dutch' },
  { code: 'no', lcid: 1044, name: 'Norwegian' },
  { code: 'pl', lcid: 1045, name: 'Polish' },
  { code: 'pt', lcid: 2070, name: 'Portuguese (Portugal)' },
  { code: 'pt-br', lcid: 1046, name: 'Portuguese (Brazil)' },
  { code: 'ro', lcid: 1048, name: 'Romanian' },
  { code: 'ru', lcid: 1049, name: 'Russian' },
  { code: 'sk', lcid: 1051, name: 'Slovak' },
  { code: 'sl', lcid: 1060, name: 'Slovenian' },
  { code: 'sr', lcid: 2074, name: 'Serbian (Latin)' },
  { code: 'sv', lcid: 1053, name: 'Swedish' },
  { code: 'th', lcid: 1054, name: 'Thai' },
  { code: 'tr', lcid: 1055, name: 'Turkish' },
  { code: 'uk', lcid: 1058, name: 'Ukrainian' },
  { code: 'zh-cn', lcid: 2052, name: 'Chinese (Simplified)' },
  { code: 'zh-hk', lcid: 3076, name: 'Chinese (Hong Kong SAR)' },
  { code: 'zh-tw', lcid: 1028, name: 'Chinese (Traditional)' },
];

const BY_CODE = new Map(UPDATE_LANGUAGES.map((language) => [language.code, language]));

/** The entry of a short language code (case-insensitive), or undefined for one Microsoft Update does not offer. */
export function updateLanguage(code: string): UpdateLanguage | undefined {
  return code.toLowerCase() === 'all' ? ALL_LANGUAGES_ENTRY : BY_CODE.get(code.toLowerCase());
}
