/**
 * The dashboard's HTML document: a shell that loads the bundled stylesheet and script. The script draws
 * everything; without it the page says what it needs.
 */

/** Renders the document for the given asset URLs (same origin, content-hashed). */
export function renderDashboardPage(assets: { scriptUrl: string; styleUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Neighbourhood energy · peer-energy-trader</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.styleUrl}">
<script type="module" src="${assets.scriptUrl}"></script>
</head>
<body>
<noscript><p style="padding:2rem">This dashboard needs JavaScript to show live readings.</p></noscript>
</body>
</html>
`;
}

/**
 * Content-Security-Policy of the page: only its own origin (scripts, styles, the API and the feed's WebSocket),
 * so a compromised meter name or zone label cannot load anything from elsewhere.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');
