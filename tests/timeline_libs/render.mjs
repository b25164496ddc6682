// Loads Realign's timeline exports into the real libraries in Debian's Chromium and reports what they rendered.
//
// Usage: node render.mjs <realign base URL> <export path>...   (e.g. /export/vis-timeline.json?groupBy=actor)
// Each export is downloaded from the running Realign server (the bytes a user gets), then served to the page by
// a local server of this script's own, beside the library files from node_modules: nothing comes from a CDN,
// and every request off this machine is aborted and recorded in `outside`. Prints one JSON line.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULES = join(HERE, 'node_modules');
const CHROMIUM = process.env.REALIGN_CHROMIUM ?? '/usr/bin/chromium';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.html': 'text/html' };
// Library folders the pages load from (paths under node_modules).
const LIBRARIES = {
  '/vis-data/': 'vis-data/standalone/umd/',
  '/vis-timeline/': 'vis-timeline/standalone/umd/',
  '/vis-styles/': 'vis-timeline/styles/',
  '/timelinejs/': '@knight-lab/timelinejs/dist/',
};

const VIS_PAGE = `<!doctype html><meta charset="utf-8">
<link rel="stylesheet" href="/vis-styles/vis-timeline-graph2d.min.css">
<div id="timeline"></div>
<script src="/vis-data/vis-data.min.js"></script>
<script>window.visData = window.vis;</script>
<script src="/vis-timeline/vis-timeline-graph2d.min.js"></script>`;

const TIMELINEJS_PAGE = `<!doctype html><meta charset="utf-8">
<link rel="stylesheet" href="/timelinejs/css/timeline.css">
<div id="timeline" style="width: 1200px; height: 700px"></div>
<script src="/timelinejs/js/timeline.js"></script>`;

const [base, ...paths] = process.argv.slice(2);
const result = { exports: {}, outside: [], pageErrors: [] };
let server;
let browser;
try {
  // The exports, downloaded as a user would.
  const files = {};
  for (const [n, path] of paths.entries()) {
    const answer = await fetch(base + path);
    if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status}: ${await answer.text()}`);
    files[`/export-${n}.json`] = Buffer.from(await answer.arrayBuffer());
  }
  server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    let body = files[url.pathname];
    if (url.pathname === '/vis.html') body = VIS_PAGE;
    if (url.pathname === '/timelinejs.html') body = TIMELINEJS_PAGE;
    const prefix = Object.keys(LIBRARIES).find((p) => url.pathname.startsWith(p));
    if (body === undefined && prefix) {
      const rest = url.pathname.slice(prefix.length);
      if (!rest.includes('..')) body = await readFile(join(MODULES, LIBRARIES[prefix], rest)).catch(() => undefined);
    }
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(url.pathname)] ?? 'application/octet-stream' });
    response.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${server.address().port}`;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // No sandbox: tests run as root in containers; the rest stops Chromium's own calls home.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol) || LOOPBACK.has(url.hostname)) return route.continue();
    result.outside.push(url.href);
    return route.abort('blockedbyclient');
  });

  for (const [n, path] of paths.entries()) {
    const page = await context.newPage();
    page.on('pageerror', (error) => result.pageErrors.push(`${path}: ${error.message}`));
    const file = `/export-${n}.json`;
    if (path.startsWith('/export/vis-timeline.json')) {
      await page.goto(`${local}/vis.html`);
      result.exports[path] = await page.evaluate(async (file) => {
        const data = await (await fetch(file)).json();
        const items = new window.visData.DataSet(data.items);
        const groups = new window.visData.DataSet(data.groups);
        const timeline = new window.vis.Timeline(document.getElementById('timeline'), items, groups, {});
        await new Promise((resolve) => setTimeout(resolve, 500));
        timeline.fit({ animation: false });
        await new Promise((resolve) => setTimeout(resolve, 500));
        // An item is one element (a point's dot and a box's line are parts of it, with the class too).
        const rendered = [...document.querySelectorAll('.vis-item:not(.vis-dot):not(.vis-line)')];
        return {
          exported: data.items.length,
          dataSet: items.length,
          groups: groups.length,
          renderedGroups: document.querySelectorAll('.vis-label').length,
          rendered: rendered.length,
          types: Object.fromEntries(
            ['vis-point', 'vis-range', 'vis-background'].map((c) => [c, rendered.filter((e) => e.classList.contains(c)).length]),
          ),
          exportedTypes: data.items.reduce((counts, item) => ({ ...counts, [item.type]: (counts[item.type] ?? 0) + 1 }), {}),
          // An item's classes show on its element: every exported className is rendered once per item.
          classesRendered: data.items.every((item) => rendered.some((e) => item.className.split(' ').every((c) => e.classList.contains(c)))),
          contents: rendered.map((e) => e.querySelector('.vis-item-content')?.textContent ?? ''),
          exportedContents: data.items.map((item) => new DOMParser().parseFromString(item.content, 'text/html').body.textContent),
        };
      }, file);
    } else {
      await page.goto(`${local}/timelinejs.html`);
      result.exports[path] = await page.evaluate(async (file) => {
        const data = await (await fetch(file)).json();
        const timeline = new window.TL.Timeline('timeline', data, {
          script_path: location.origin + '/timelinejs/js/',
          font: null, // the default font's stylesheet asks Google Fonts: the page must ask nothing from outside
        });
        await new Promise((resolve) => setTimeout(resolve, 1500));
        // The first event's slide, shown: its quote (the cited passages) and its credit (the source).
        timeline.goTo(1);
        // The slide's media loads after it is shown, later on a busy machine: wait for its quote (10 s at most).
        const activeSlide = () => document.querySelector('.tl-slide.tl-slide-active') ?? document.querySelectorAll('.tl-slide')[1];
        for (let waited = 0; waited < 10000 && !activeSlide()?.querySelector('.tl-media-blockquote, blockquote'); waited += 100) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const shown = activeSlide();
        const firstSlide = {
          headline: shown?.querySelector('.tl-headline')?.textContent ?? null,
          date: shown?.querySelector('.tl-headline-date')?.textContent ?? null,
          quote: shown?.querySelector('.tl-media-blockquote, blockquote')?.textContent ?? null,
          credit: shown?.querySelector('.tl-credit')?.textContent ?? null,
        };
        // Messages shown (each media holds a hidden "Loading" one until its slide is shown): errors show there.
        const messages = [...document.querySelectorAll('.tl-message, .tl-message-full')]
          .filter((e) => e.checkVisibility())
          .map((e) => e.textContent.trim());
        return {
          exported: data.events.length,
          configured: timeline.config?.events?.length ?? null,
          valid: timeline.config?.isValid?.() ?? false,
          errors: timeline.config?.messages?.errors ?? ['no config'],
          slides: document.querySelectorAll('.tl-slide').length,
          markers: document.querySelectorAll('.tl-timemarker').length,
          titleSlide: document.querySelector('.tl-slide-titleslide .tl-headline')?.textContent ?? null,
          headlines: [...document.querySelectorAll('.tl-timemarker .tl-headline')].map((e) => e.textContent),
          exportedHeadlines: data.events.map((e) => new DOMParser().parseFromString(e.text.headline, 'text/html').body.textContent),
          // TimelineJS reports a bad document or medium in a message ("Error: …", "Invalid date…", "Unable to…").
          errorMessages: messages.filter((m) => /error|invalid|unable|missing/i.test(m)),
          firstSlide,
          errorShown: document.querySelector('.tl-error') !== null,
        };
      }, file);
    }
    await page.close();
  }
  result.ok = true;
} catch (error) {
  result.ok = false;
  result.error = String(error?.stack ?? error);
} finally {
  await browser?.close();
  server?.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
