/**
 * Error Lookup for the codes the engine writes to wsyncmgr.log and its errors: HTTP statuses, the upstream's SOAP
 * ErrorCode, Node and TLS error names, the Windows codes ConfigMgr logs for the same failures, and every code a
 * synchronization or a call can end with (a test holds the list complete). Each entry says what the code means and
 * what to do, as CMTrace's Error Lookup does for Win32 codes.
 */
export interface ErrorExplanation {
  code: string;
  meaning: string;
  check: string;
}

const ENTRIES: ErrorExplanation[] = [
  {
    code: 'HTTP 401',
    meaning: 'The upstream server refused the request: not authenticated.',
    check: "The upstream server requires authentication this site does not send; check the server's IIS authentication settings.",
  },
  {
    code: 'HTTP 403',
    meaning: 'The upstream server refused the request: forbidden.',
    check: 'Check that the upstream server allows this server to synchronize (its downstream server list, IIS IP restrictions).',
  },
  {
    code: 'HTTP 404',
    meaning: 'The address does not exist on the upstream server.',
    check: 'Check the upstream URL: it ends at the server (http://server:8530), not at a page; the WSUS web services must be installed there.',
  },
  {
    code: 'HTTP 407',
    meaning: 'The proxy server requires authentication.',
    check: 'Set the proxy user name and password in Software Update Point Properties > Sync Settings.',
  },
  {
    code: 'HTTP 500',
    meaning: 'The upstream server failed while answering.',
    check: "Look at the upstream server's own logs (SoftwareDistribution.log); retry later.",
  },
  {
    code: 'HTTP 502',
    meaning: 'A proxy or gateway got no valid answer from the upstream server.',
    check: 'Check the proxy and that the upstream server is running.',
  },
  {
    code: 'HTTP 503',
    meaning: 'The upstream server is unavailable or overloaded.',
    check: 'Check that the WSUS application pool is running on the upstream server (it stops when it runs out of memory); retry later.',
  },
  {
    code: 'InvalidCookie',
    meaning: 'The upstream server no longer accepts the synchronization cookie (it expired or the server restarted).',
    check: 'Nothing: the engine gets a new cookie and retries. If it repeats, check the clocks of both servers.',
  },
  {
    code: 'InvalidAuthorizationCookie',
    meaning: 'The authorization cookie was refused.',
    check: "Nothing usually: the engine authenticates again. If it repeats, check the upstream server's DSS authentication web service.",
  },
  {
    code: 'ServerChanged',
    meaning: "The upstream server's identity changed (it was reinstalled or restored), so earlier anchors mean nothing there.",
    check: 'Nothing: the engine forgets its anchors and runs a full synchronization.',
  },
  {
    code: 'InternalServerError',
    meaning: 'The upstream server reported an internal error for this request.',
    check: "Look at the upstream server's SoftwareDistribution.log; the request is not retried at once.",
  },
  {
    code: 'ServerBusy',
    meaning: 'The upstream server is too busy to answer.',
    check: 'Nothing: the engine waits and retries. Persistent: the upstream server is overloaded.',
  },
  {
    code: 'InvalidParameters',
    meaning: 'The upstream server did not understand the request.',
    check: 'The upstream server speaks another protocol version, or the URL points at something that is not an update server.',
  },
  {
    code: 'ECONNREFUSED',
    meaning: 'Nothing accepts connections at that address and port.',
    check: 'Check the port in the upstream URL (8530 for HTTP, 8531 for HTTPS by default) and that the WSUS service and IIS are running.',
  },
  {
    code: 'ENOTFOUND',
    meaning: 'The server name could not be resolved (DNS).',
    check: "Check the spelling of the server name and this server's DNS settings; try the fully qualified name.",
  },
  { code: 'EAI_AGAIN', meaning: 'The name server did not answer in time.', check: "Check this server's DNS servers; retry later." },
  {
    code: 'ETIMEDOUT',
    meaning: 'The server did not answer in time.',
    check: 'Check firewalls between the two servers and that the upstream server is not overloaded.',
  },
  {
    code: 'ECONNRESET',
    meaning: 'The connection was closed by the other side or by a device in between.',
    check: 'Check proxies and firewalls that inspect or limit long HTTP answers; the engine retries.',
  },
  {
    code: 'CERT_HAS_EXPIRED',
    meaning: "The upstream server's TLS certificate has expired.",
    check: 'Renew the certificate bound to the WSUS web site on the upstream server.',
  },
  {
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    meaning: 'The certificate chain of the upstream server is incomplete or not trusted.',
    check: 'Install the issuing CA certificate: add it under Sync Settings > Extra CA certificates.',
  },
  {
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
    meaning: 'The certificate chain ends at a root this server does not trust.',
    check: 'Add the root CA certificate under Sync Settings > Extra CA certificates.',
  },
  {
    code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    meaning: 'The upstream server uses a self-signed certificate.',
    check: 'Add that certificate under Sync Settings > Extra CA certificates, or give the server a certificate from your CA.',
  },
  {
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    meaning: 'The certificate does not name the server as it is addressed.',
    check: 'Use the name the certificate was issued for in the upstream URL.',
  },
  { code: 'EACCES', meaning: 'Permission denied.', check: 'The account running Update Sync Console may not write to the data folder; check its permissions.' },
  { code: 'ENOSPC', meaning: 'The disk is full.', check: 'Free space on the disk of the data folder; the applied batches are kept.' },
  { code: 'EROFS', meaning: 'The file system is read-only.', check: 'Move the data folder to a writable disk, or remount it read-write.' },
  {
    code: '0x80072EE2',
    meaning: 'WinHTTP: the operation timed out (ERROR_WINHTTP_TIMEOUT).',
    check: 'Check the network path and firewalls to the upstream server.',
  },
  {
    code: '0x80072EFD',
    meaning: 'WinHTTP: a connection with the server could not be established (ERROR_WINHTTP_CANNOT_CONNECT).',
    check: 'Check the upstream URL and port, and that the server is running.',
  },
  { code: '0x80072EE7', meaning: 'WinHTTP: the server name could not be resolved (ERROR_WINHTTP_NAME_NOT_RESOLVED).', check: 'Check the server name and DNS.' },
  {
    code: '0x80244010',
    meaning: 'WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS: too many round trips to the server.',
    check: 'Nothing: run the synchronization again; it goes on where it stopped.',
  },
  {
    code: '0x80244022',
    meaning: 'WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL: the server answered HTTP 503.',
    check: 'Check the WSUS application pool on the upstream server.',
  },
  {
    code: '0x80131500',
    meaning: 'A .NET exception on the server, often a timeout of the upstream WSUS database.',
    check: "Look at the upstream server's logs; reindex its WSUS database.",
  },
  { code: '0x80070005', meaning: 'E_ACCESSDENIED: access is denied.', check: 'Check the permissions of the account that runs the component.' },
  {
    code: 'IncompatibleProtocolVersion',
    meaning: 'The upstream server speaks a version of the server-to-server protocol this console does not.',
    check: 'Point the site at a WSUS server of version 3.0 SP2 or later (or Microsoft Update); the request is not retried.',
  },
  {
    code: 'FileDigestsMissing',
    meaning: 'The upstream server has updates whose file digests it cannot send.',
    check: 'Run the WSUS Server Cleanup Wizard and a full synchronization on the upstream server, then synchronize again.',
  },
  // What a synchronization ends with (wsyncmgr.log, 6703, Synchronization Status).
  {
    code: 'UPDATES_FAILED',
    meaning: 'Some updates could not be synchronized; the others were stored.',
    check:
      'The lines "Failed to sync update" in wsyncmgr.log name each update and why. Each synchronization asks for exactly those again; when the reason is on the upstream server (no metadata, a file it cannot send), it fails the same way until that server is fixed or stops offering the update.',
  },
  {
    code: 'SAVE_FAILED',
    meaning: 'The site database could not be saved; the synchronization is not counted as done.',
    check: 'The message names the file and the reason (disk full, permissions); fix it and synchronize again.',
  },
  {
    code: 'EMPTY_FILTER',
    meaning: 'No product or no classification is selected, so there is nothing to synchronize.',
    check: 'Select products and classifications in Software Update Point Properties, then synchronize.',
  },
  {
    code: 'SOURCE_DISABLED',
    meaning: 'The Software Update Point is set to "Do not synchronize" (kept current by catalog imports).',
    check: 'Import a catalog (Import Catalog… on the Software Update Point), or choose a source in its Sync Settings.',
  },
  {
    code: 'STALLED',
    meaning: 'The synchronization made no progress for the stall limit, again after retrying the stuck requests.',
    check: 'Look at the network path and the upstream server (a proxy that holds long answers, an overloaded WSUS); what was applied is kept.',
  },
  {
    code: 'INTERRUPTED',
    meaning: 'The engine stopped (the console closed, the machine restarted, the engine crashed) while this synchronization ran.',
    check: 'Nothing: the batches applied are kept, and the engine resumes the synchronization when it starts again.',
  },
  {
    code: 'DATABASE_DAMAGED',
    meaning: "The site's database file cannot be opened; it was left untouched.",
    check: 'The message says why and whether a previous version (.bak) is there; "usc site restore --site <code>" puts it back.',
  },
  {
    code: 'CANCELLED',
    meaning: 'The administrator cancelled the operation.',
    check: 'Nothing: what a synchronization applied before it was cancelled is kept; an import that was cancelled changed nothing.',
  },
  {
    code: 'INTERNAL',
    meaning: 'A defect of Update Sync Console itself, not of the upstream server, the network or the data. The message says where it happened.',
    check:
      'Collect the site\'s wsyncmgr.log (Open log file… shows its path), the output of "usc doctor --site <code> --json" and the version (usc help), and report them. The next synchronization tries again.',
  },
  {
    code: 'UPSTREAM_HTTP',
    meaning: 'The upstream server (or a proxy) answered with an HTTP error status; the message names it.',
    check: 'Look up the status (HTTP 404, HTTP 503…); 5xx answers were retried before the synchronization failed.',
  },
  {
    code: 'UPSTREAM_TIMEOUT',
    meaning: 'The upstream server did not answer in time, after every retry.',
    check: 'Check the network path and the load of the upstream server; Test connection in Sync Settings times each step.',
  },
  {
    code: 'UPSTREAM_NETWORK',
    meaning: 'The connection to the upstream server could not be made or was lost, after every retry.',
    check: 'The message names the network error (ECONNREFUSED, ENOTFOUND…): look it up; Test connection in Sync Settings checks each step.',
  },
  {
    code: 'UPSTREAM_TLS',
    meaning: "The upstream server's certificate was not accepted.",
    check: 'The message names the certificate problem: look it up; add the issuing CA under Sync Settings > Extra CA certificates.',
  },
  {
    code: 'UPSTREAM_MALFORMED',
    meaning: 'The upstream server answered with something that is not a valid answer of the sync protocol.',
    check: "Check that the URL points at a WSUS server (not a web page or a proxy's error page); look at the upstream server's logs.",
  },
  {
    code: 'UPSTREAM_FAULT',
    meaning: 'The upstream server answered with a SOAP fault without an ErrorCode.',
    check: "Look at the upstream server's SoftwareDistribution.log for the request's time.",
  },
  {
    code: 'UPSTREAM_CANCELLED',
    meaning: 'The request to the upstream server was cancelled (the synchronization was cancelled or the engine stopped).',
    check: 'Nothing: synchronize again when you want to.',
  },
  // What a console or a usc command can be answered (never a crash).
  { code: 'BAD_REQUEST', meaning: 'A value given was refused; the message names it and why.', check: 'Correct the value the message names, then try again.' },
  {
    code: 'UNKNOWN_METHOD',
    meaning: 'The console asked the engine for something it does not know: the two are of different versions.',
    check: 'Restart the console so both come from the same installation.',
  },
  { code: 'NOT_FOUND', meaning: 'The site, run or update asked for does not exist (any more).', check: 'Refresh (F5): it may have been removed meanwhile.' },
  {
    code: 'NOT_ALLOWED',
    meaning: 'The action is not available here (a manual synchronization of a child site, of a site set to "Do not synchronize"…).',
    check: 'The message says why and what to do instead.',
  },
  {
    code: 'SITE_DAMAGED',
    meaning: "The site's database file cannot be opened; it was left untouched.",
    check: 'The message says why and whether a previous version (.bak) is there; "usc site restore --site <code>" puts it back.',
  },
  {
    code: 'DATA_FOLDER_IN_USE',
    meaning: 'Another engine (a console, usc web or usc service) holds this data folder.',
    check: 'Use that one (usc commands attach to it), or stop it first; the message names its process.',
  },
  {
    code: 'ENGINE_RESTARTED',
    meaning: 'The sync engine stopped while the request was on its way and is being restarted.',
    check: 'Try again once the status bar says "Engine ready"; a synchronization that was running resumes by itself.',
  },
  {
    code: 'ENGINE_UNAVAILABLE',
    meaning: 'The sync engine is not running (it failed to start, or stopped again after restarts).',
    check: 'The status bar says why; restart the console. If it fails again, collect the console output and report it.',
  },
  { code: 'TIMEOUT', meaning: 'The engine did not answer in time.', check: 'Try again; a machine under heavy load answers late.' },
  {
    code: 'FILE_ERROR',
    meaning: 'A file or folder could not be read or written (permissions, a read-only or full disk, a path that cannot exist).',
    check: 'The message names the path and the reason; fix it and try again.',
  },
  {
    code: 'FILE_REFUSED',
    meaning: 'A file handed to the engine is not what it must be (an import that is not an export, truncated, or failing its checksum).',
    check: 'Nothing was changed. Export the catalog again and copy it whole.',
  },
];

const BY_CODE = new Map(ENTRIES.map((entry) => [entry.code.toLowerCase(), entry]));

/** The explanation of one code (`HTTP 503`, `503`, `ECONNREFUSED`, `0x80072ee2`, …), if it is known. */
export function lookUpError(code: string): ErrorExplanation | undefined {
  const key = code.trim().toLowerCase();
  if (/^\d{3}$/.test(key)) return BY_CODE.get(`http ${key}`);
  if (/^-?\d+$/.test(key) && key.length > 3) {
    // A Windows code written as a signed decimal (-2147012894 is 0x80072EE2).
    const hex = `0x${(Number(key) >>> 0).toString(16).padStart(8, '0')}`;
    return BY_CODE.get(hex);
  }
  return BY_CODE.get(key.replace(/^http(\d)/, 'http $1'));
}

/** Every known code mentioned in a log line or an error message, in the order they appear. */
export function errorsIn(text: string): ErrorExplanation[] {
  const found: ErrorExplanation[] = [];
  const add = (entry: ErrorExplanation | undefined) => {
    if (entry !== undefined && !found.includes(entry)) found.push(entry);
  };
  for (const match of text.matchAll(/HTTP\s*(\d{3})|0x[0-9A-Fa-f]{8}|\b[A-Z][A-Z0-9_]{3,}\b|\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b/g)) {
    add(match[1] !== undefined ? lookUpError(`HTTP ${match[1]}`) : lookUpError(match[0]));
  }
  return found;
}
