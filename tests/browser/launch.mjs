// Debian's Chromium under playwright-core, with every request off this machine stopped and recorded.
// Never a downloaded browser: playwright-core ships none, and executablePath names the system one.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.REALIGN_CHROMIUM ?? '/usr/bin/chromium';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const isOutside = (href) => {
  const url = new URL(href);
  return !['data:', 'blob:', 'about:'].includes(url.protocol) && !LOOPBACK.has(url.hostname);
};

/**
 * A browser and a context whose outside requests fail and are listed in `outside`.
 *
 * route: true — a context.route('**\/*') aborts and records them. But while any route is installed,
 *   Playwright answers every CORS preflight itself in Chromium, allowing whatever was asked
 *   (crNetworkManager's isInterceptedOptionsPreflight), so the server's preflight answer is never seen.
 * route: false — for CORS tests: no interception; Chromium sends everything but loopback (which it always
 *   bypasses) to a proxy on a closed loopback port, where it fails, and a request listener records it.
 */
export async function launch({ route = true } = {}) {
  const args = [
    // No sandbox: tests run as root in containers. The rest stops Chromium's own calls home
    // (component updates, sync, field trials), so `outside` holds only what pages asked for.
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
  ];
  if (!route) args.push('--proxy-server=http://127.0.0.1:1');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  const context = await browser.newContext();
  const outside = [];
  if (route) {
    await context.route('**/*', (route) => {
      if (!isOutside(route.request().url())) return route.continue();
      outside.push(route.request().url());
      return route.abort('blockedbyclient');
    });
  } else {
    context.on('request', (request) => {
      if (isOutside(request.url())) outside.push(request.url());
    });
  }
  return { browser, context, outside };
}

/** The guard must catch an outside request, or an empty `outside` proves nothing: a page without a
 * Content-Security-Policy asks for an image on another host, which must land in `outside`. */
export async function probeTheGuard(context) {
  const probe = await context.newPage();
  await probe.setContent('<img src="http://example.invalid/probe.png">');
  await probe.waitForTimeout(200);
  await probe.close();
}

/** Run `steps` and print one JSON line: what they returned, or the step that failed and why. */
export async function report(steps) {
  const result = {};
  try {
    Object.assign(result, await steps(result));
    result.ok = true;
  } catch (error) {
    result.ok = false;
    result.error = String(error?.stack ?? error);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}
