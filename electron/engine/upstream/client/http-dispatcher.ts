/**
 * The undici dispatcher every outgoing HTTP request of the engine goes through (the upstream's SOAP calls, the
 * pre-flight check, webhooks): Node's roots plus the site's extra CA certificates, and the site's proxy with its
 * credentials when it has one. As Windows does, plain HTTP requests go through the proxy as they are (a WSUS parent
 * on port 8530) and a CONNECT tunnel is opened only for https://: Squid's stock rules allow CONNECT to 443 alone.
 */
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

export interface ProxySettings {
  url: string;
  username?: string;
  password?: string;
}

export function httpDispatcher(options: { extraCaCertificates?: string[]; proxy?: ProxySettings; keepAliveTimeoutMs?: number }): Dispatcher {
  const ca = options.extraCaCertificates?.length ? [...rootCertificates, ...options.extraCaCertificates] : undefined;
  const tls = ca === undefined ? {} : { ca };
  if (options.proxy === undefined)
    return new Agent({ connect: tls, ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeoutMs }) });
  const { username, password } = options.proxy;
  return new ProxyAgent({
    uri: options.proxy.url,
    proxyTunnel: false,
    ...(username === undefined ? {} : { token: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` }),
    requestTls: tls,
    proxyTls: tls,
  });
}
