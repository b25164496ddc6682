// Drives the playground at <base>/graphql in Chromium: editor, docs, a query run, Headers, history and the
// explorer. Prints one JSON line for tests/test_browser.py, which decides pass or fail.
// Usage: node playground.mjs http://127.0.0.1:PORT [screenshot.png]
import { launch, probeTheGuard, report } from './launch.mjs';

const [base, screenshot] = process.argv.slice(2);
const QUERY = 'query BrowserTest { actor(ref: {slug: "gideon-saar"}) { name country } }';
const REQUEST_ID = 'browser-test-headers-tab';

/** The text Monaco shows for an editor (it renders spaces as no-break spaces). */
const editorText = (locator) =>
  locator.locator('.view-lines').innerText().then((t) => t.replace(/\u00a0/g, ' '));

/** Replace an editor's content with `text`, typed as one input (no auto-closed brackets doubled). */
async function fill(page, editor, text) {
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

await report(async (result) => {
  const { browser, context, outside } = await launch();
  result.step = 'start';
  const problems = [];
  const started = Date.now();
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    // CSP violations also reach the console, but the event says exactly what was refused.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const graphqlRequests = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.url().endsWith('/graphql')) {
        graphqlRequests.push({
          sentRequestId: response.request().headers()['x-request-id'] ?? null,
          echoedRequestId: response.headers()['x-request-id'] ?? null,
        });
      }
    });

    result.step = 'editor appears';
    const answer = await page.goto(`${base}/graphql`);
    result.csp = answer.headers()['content-security-policy'] ?? null;
    const queryEditor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await queryEditor.waitFor({ timeout: 30_000 });
    result.editorMs = Date.now() - started;

    result.step = 'docs pane lists Query';
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Query', { exact: true }).first().click({ timeout: 15_000 });
    await docs.getByText('timeline', { exact: true }).first().waitFor({ timeout: 10_000 });
    result.docsFields = await docs.locator('.graphiql-doc-explorer-field-name').allInnerTexts();

    result.step = 'query runs';
    await fill(page, queryEditor, QUERY);
    result.typedQuery = await editorText(queryEditor);
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response .monaco-editor').first();
    await page.waitForFunction(
      () => document.querySelector('.graphiql-response .view-lines')?.textContent.includes('Gideon'),
      null,
      { timeout: 15_000 },
    );
    result.response = await editorText(response);

    result.step = 'Headers tab';
    await page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).click();
    const headerEditor = page.locator('.graphiql-editor-tool .monaco-editor:visible').first();
    await fill(page, headerEditor, `{"X-Request-ID": "${REQUEST_ID}"}`);
    result.typedHeaders = await editorText(headerEditor);
    const withHeader = page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && r.request().headers()['x-request-id'] === REQUEST_ID,
      { timeout: 15_000 },
    );
    await page.locator('.graphiql-execute-button').click();
    await withHeader;
    result.graphqlRequests = graphqlRequests;

    result.step = 'history lists the query';
    await page.getByRole('button', { name: 'Show History' }).click();
    const history = page.locator('.graphiql-history');
    await history.getByText('BrowserTest').first().waitFor({ timeout: 10_000 });
    result.history = await history.locator('li').allInnerTexts();

    result.step = 'explorer opens';
    await page.getByRole('button', { name: 'Show GraphiQL Explorer' }).click();
    const explorer = page.locator('.graphiql-explorer-root');
    await explorer.getByText('timeline', { exact: true }).first().waitFor({ timeout: 10_000 });
    result.explorerText = (await explorer.innerText()).slice(0, 400);

    result.step = 'done';
    if (screenshot) await page.screenshot({ path: screenshot });
    result.seconds = (Date.now() - started) / 1000;

    await probeTheGuard(context);
  } finally {
    result.problems = problems;
    result.outside = [...outside];
    await browser.close();
  }
  return result;
});
