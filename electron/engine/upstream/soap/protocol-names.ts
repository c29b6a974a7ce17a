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
export { CLASSIFICATIONS } from '../../../../shared/categories';
