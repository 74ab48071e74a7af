/** The page's Content-Security-Policy, sent as a header too, so it holds even for a page that drops its meta tag. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * `npm run dev` only: @vitejs/plugin-react injects an inline preamble for
 * fast refresh, and Vite's client talks over a WebSocket. The built app, the
 * packaged one and the web host keep the strict policy above.
 */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self'",
  "script-src 'self' 'unsafe-inline'",
).replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
