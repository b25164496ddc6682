// From a page on another loopback port (another origin), fetch a Realign API the way a frontend would, and
// report per scenario whether the browser let the answer through. Prints one JSON line for tests/test_cors.py.
// Usage: node cors.mjs <page URL> '<JSON list of {name, api, token}>'
import { launch, probeTheGuard, report } from './launch.mjs';

const [pageUrl, scenariosJson] = process.argv.slice(2);
const scenarios = JSON.parse(scenariosJson);

await report(async (result) => {
  // No request interception here: it would make Playwright answer the preflights instead of the server.
  const { browser, context, outside } = await launch({ route: false });
  try {
    const page = await context.newPage();
    const console_ = [];
    page.on('console', (message) => console_.push(message.text()));
    await page.goto(pageUrl);
    result.pageOrigin = await page.evaluate(() => window.location.origin);
    result.scenarios = {};
    for (const { name, api, token } of scenarios) {
      const seen = console_.length;
      // JSON content type (and a token) make this a non-simple request: the browser preflights it.
      result.scenarios[name] = await page.evaluate(
        async ({ api, token }) => {
          const headers = { 'content-type': 'application/json' };
          if (token) headers.authorization = `Bearer ${token}`;
          try {
            const response = await fetch(`${api}/graphql`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ query: '{ actor(ref: {slug: "taiwan"}) { name } }' }),
            });
            return { fetched: true, status: response.status, body: await response.json() };
          } catch (error) {
            return { fetched: false, error: String(error) };
          }
        },
        { api, token },
      );
      result.scenarios[name].console = console_.slice(seen);
    }
    await probeTheGuard(context);
  } finally {
    result.outside = [...outside];
    await browser.close();
  }
  return result;
});
