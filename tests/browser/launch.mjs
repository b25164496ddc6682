// Debian's Chromium under playwright-core, with every request off this machine aborted and recorded.
// Never a downloaded browser: playwright-core ships none, and executablePath names the system one.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.REALIGN_CHROMIUM ?? '/usr/bin/chromium';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A browser and a context whose outside requests are aborted and listed in `outside`. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // No sandbox: tests run as root in containers. The rest stops Chromium's own calls home
    // (component updates, sync, field trials), so `outside` holds only what the page asked for.
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  const context = await browser.newContext();
  const outside = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.has(url.hostname)) {
      return route.continue();
    }
    outside.push(url.href);
    return route.abort('blockedbyclient');
  });
  return { browser, context, outside };
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
