/** SOAP 1.1 envelopes of the server-server sync protocol, written with the schema's exact element order. */
import { escapeXml } from '../xml/element-tree';
import type { UpdateIdentity } from '../update-metadata';
import { NS_DSS_AUTH, NS_SOAP, NS_SYNC } from './protocol-names';

export interface SyncCookie {
  expiration: string;
  encryptedData: string;
}

export interface AuthorizationCookie {
  plugInId: string;
  cookieData: string;
}

export interface IdAndDelta {
  id: string;
  delta: boolean;
}

export interface RevisionIdFilter {
  anchor?: string;
  getConfig: boolean;
  categories?: IdAndDelta[];
  classifications?: IdAndDelta[];
  languages?: Array<{ id: number; delta: boolean }>;
}

export function envelope(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS_SOAP}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

const text = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;

export function cookieXml(cookie: SyncCookie, name = 'cookie'): string {
  return `<${name}>${text('Expiration', cookie.expiration)}${text('EncryptedData', cookie.encryptedData)}</${name}>`;
}

export function identityXml(identity: UpdateIdentity, name = 'UpdateIdentity'): string {
  return `<${name}><UpdateID>${identity.updateId}</UpdateID><RevisionNumber>${identity.revision}</RevisionNumber></${name}>`;
}

export const requests = {
  getAuthConfig: () => envelope(`<GetAuthConfig xmlns="${NS_SYNC}"/>`),

  getAuthorizationCookie: (accountName: string, accountGuid: string) =>
    envelope(
      `<GetAuthorizationCookie xmlns="${NS_DSS_AUTH}">${text('accountName', accountName)}${text('accountGuid', accountGuid)}<programKeys/></GetAuthorizationCookie>`,
    ),

  getCookie: (authCookie: AuthorizationCookie, oldCookie: SyncCookie | undefined, protocolVersion: string) =>
    envelope(
      `<GetCookie xmlns="${NS_SYNC}"><authCookies><AuthorizationCookie>${text('PlugInId', authCookie.plugInId)}${text('CookieData', authCookie.cookieData)}</AuthorizationCookie></authCookies>` +
        `${oldCookie === undefined ? '' : cookieXml(oldCookie, 'oldCookie')}${text('protocolVersion', protocolVersion)}</GetCookie>`,
    ),

  getConfigData: (cookie: SyncCookie, configAnchor: string | undefined) =>
    envelope(`<GetConfigData xmlns="${NS_SYNC}">${cookieXml(cookie)}${configAnchor === undefined ? '' : text('configAnchor', configAnchor)}</GetConfigData>`),

  getRevisionIdList: (cookie: SyncCookie, filter: RevisionIdFilter) => {
    const idList = (name: string, items: IdAndDelta[] | undefined) =>
      items === undefined || items.length === 0
        ? ''
        : `<${name}>${items.map((item) => `<IdAndDelta><Id>${item.id}</Id><Delta>${item.delta}</Delta></IdAndDelta>`).join('')}</${name}>`;
    const languages =
      filter.languages === undefined || filter.languages.length === 0
        ? ''
        : `<Languages>${filter.languages.map((item) => `<LanguageAndDelta><Id>${item.id}</Id><Delta>${item.delta}</Delta></LanguageAndDelta>`).join('')}</Languages>`;
    // Element order of ServerSyncFilter: Anchor, GetConfig, Get63LanguageOnly, Categories, Classifications, Languages.
    return envelope(
      `<GetRevisionIdList xmlns="${NS_SYNC}">${cookieXml(cookie)}<filter>` +
        `${filter.anchor === undefined ? '' : text('Anchor', filter.anchor)}<GetConfig>${filter.getConfig}</GetConfig><Get63LanguageOnly>false</Get63LanguageOnly>` +
        `${filter.getConfig ? '' : idList('Categories', filter.categories) + idList('Classifications', filter.classifications)}${languages}</filter></GetRevisionIdList>`,
    );
  },

  getUpdateData: (cookie: SyncCookie, ids: UpdateIdentity[]) =>
    envelope(`<GetUpdateData xmlns="${NS_SYNC}">${cookieXml(cookie)}<updateIds>${ids.map((id) => identityXml(id)).join('')}</updateIds></GetUpdateData>`),
};

/** A SOAP 1.1 fault with the protocol's detail (ErrorCode, Message, ID; [MS-WSUSSS] §2.2.9.1). */
export function faultEnvelope(errorCode: string, message: string, method: string, faultCode: 'soap:Server' | 'soap:Client' = 'soap:Server'): string {
  return envelope(
    `<soap:Fault><faultcode>${faultCode}</faultcode><faultstring>${escapeXml(`${errorCode}: ${message}`)}</faultstring>` +
      `<detail><ErrorCode>${errorCode}</ErrorCode><Message>${escapeXml(message)}</Message><ID>${crypto.randomUUID()}</ID><Method>${escapeXml(method)}</Method></detail></soap:Fault>`,
  );
}
