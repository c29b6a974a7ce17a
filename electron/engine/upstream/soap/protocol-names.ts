/** Names fixed by the WSUS server-server synchronization protocol ([MS-WSUSSS]). */
export const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_SYNC = 'http://www.microsoft.com/SoftwareDistribution';
export const NS_DSS_AUTH = 'http://www.microsoft.com/SoftwareDistribution/Server/DssAuthWebService';
export const NS_UPDATE = 'http://schemas.microsoft.com/msus/2002/12/Update';
export const NS_CATEGORY_HANDLER = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category';

export const SERVER_SYNC_PATH = '/ServerSyncWebService/ServerSyncWebService.asmx';
export const DSS_AUTH_PATH = '/DssAuthWebService/DssAuthWebService.asmx';

export const MICROSOFT_UPDATE_URL = 'https://sws.update.microsoft.com';

export type SyncOperation = 'GetAuthConfig' | 'GetCookie' | 'GetConfigData' | 'GetRevisionIdList' | 'GetUpdateData';

/** Every operation of the Server Sync Web Service's WSDL ([MS-WSUSSS] §6.1); the built-in service answers the first five. */
export const SERVER_SYNC_OPERATIONS = [
  'GetAuthConfig',
  'GetCookie',
  'GetConfigData',
  'GetRevisionIdList',
  'GetUpdateData',
  'GetUpdateDecryptionData',
  'DownloadFiles',
  'GetDeployments',
  'GetRelatedRevisionsForUpdates',
  'GetDriverIdList',
  'GetDriverSetData',
] as const;

export function soapActionFor(operation: SyncOperation | 'GetAuthorizationCookie'): string {
  return operation === 'GetAuthorizationCookie' ? `${NS_DSS_AUTH}/GetAuthorizationCookie` : `${NS_SYNC}/${operation}`;
}

/** ErrorCode values a server puts in a fault's detail. */
export const FAULT_CODES = [
  'InvalidParameters',
  'InvalidCookie',
  'InternalServerError',
  'IncompatibleProtocolVersion',
  'InvalidAuthorizationCookie',
  'FileDigestsMissing',
  'ServerChanged',
  'ServerBusy',
] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

/** Update classifications (Category type UpdateClassification) with their real GUIDs. */
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
