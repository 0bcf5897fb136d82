/**
 * Is a request's Origin this server itself? The dashboard (/dashboard) is
 * served from here, and a browser sends its Origin with every DELETE even to
 * its own origin; a tenant's origins are where its widgets live, which is
 * rarely this server. Admitting our own pages costs no protection: a page
 * is only "ours" if this very host (and port) served it, and every admin
 * route still needs the tenant's API key.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}
