/**
 * The Content-Security-Policy of `/dashboard`, the page that holds a tenant's
 * API key: only our own script may run (no inline script, no eval), it may
 * talk to this server only, nothing may frame it (clickjacking a delete
 * button), and no form may send the key anywhere. Styles come from the
 * bundle's constructed stylesheets, which `style-src 'self'` does not block;
 * images are the tenant's own (an image id is usually its URL, on any site).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src * data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
