// End-to-end: serves the built page (dist/, made by `vite build`) on localhost and drives it in
// Debian's headless Chromium through playwright-core (which never downloads a browser). Checks that
// the WebAssembly backend loads, that training lowers the loss while the page keeps painting, the
// grad-mode toggle and the grad on/off measurements, the GradModeError for async callbacks, and
// that the page logs no errors. Saves a screenshot to test-results/ (gitignored);
// UPDATE_SCREENSHOT=1 (`pnpm screenshot`) also refreshes the committed screenshot.png.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const appDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`playground E2E test skipped: ${CHROMIUM} not found. Install Debian's chromium (apt-get install -y chromium); .ci/run does.`);
}

const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

async function serve(headers?: Record<string, string>): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({
    root: appDir,
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false, headers },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report a URL');
  return { server, url };
}

/** Everything that counts as the page going wrong: console errors, uncaught errors, failed or 4xx/5xx requests. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.name}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

const value = (page: Page, id: string) => page.locator(`#${id}`).getAttribute('data-value');
const num = async (page: Page, id: string) => Number(await value(page, id));
const text = (page: Page, id: string) => page.locator(`#${id}`).innerText();
const stepAtLeast = (page: Page, n: number) =>
  page.waitForFunction((n) => Number(document.getElementById('step')?.dataset.value) >= n, n, { timeout: 30_000 });

describe.skipIf(!hasChromium)('playground in headless Chromium', () => {
  let browser: Browser;
  const servers: PreviewServer[] = [];

  beforeAll(async () => {
    if (!existsSync(`${appDir}/dist/index.html`)) throw new Error('apps/playground/dist is missing: run `vite build` first (the package\'s test script does)');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // playwright-core gives each launch a fresh temporary --user-data-dir
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--disable-quic', '--disable-sync',
        '--js-flags=--expose-gc', // lets the page force GC to measure what an output keeps alive
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('trains live, compares grad on vs noGrad, and shows the GradModeError for async callbacks', async () => {
    const { server, url } = await serve();
    servers.push(server);
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const problems = watch(page);
    await page.goto(url);
    await expect(page.title()).resolves.toBe('torchlet playground');

    // runtime: the wasm backend after initBackend(); one thread on a main thread; not isolated here
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 20_000 });
    expect(await value(page, 'backend')).toBe('wasm');
    expect(await value(page, 'threads')).toBe('1');
    expect(await value(page, 'isolated')).toBe('false');
    expect(await value(page, 'gc')).toBe('true');
    const before = await text(page, 'backend-before');

    // it trains on its own, a few steps per animation frame, and the page keeps painting
    await stepAtLeast(page, 20);
    const frameGaps: number[] = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const times: number[] = [];
          const tick = (t: number) => {
            times.push(t);
            if (times.length < 31) requestAnimationFrame(tick);
            else resolve(times.slice(1).map((x, i) => x - times[i]));
          };
          requestAnimationFrame(tick);
        }),
    );
    const sortedGaps = [...frameGaps].sort((a, b) => a - b);
    const medianGap = sortedGaps[sortedGaps.length >> 1];
    expect(medianGap).toBeLessThan(250); // lenient: `pnpm test` runs other suites on the same cores

    await stepAtLeast(page, 300);
    const firstLoss = await num(page, 'loss-first');
    const loss = await num(page, 'loss');
    expect(firstLoss).toBeGreaterThan(0.5); // two balanced classes start near ln 2
    expect(loss).toBeLessThan(firstLoss / 4);
    expect(await num(page, 'accuracy')).toBeGreaterThan(0.9);

    // the boundary is painted: both classes' colours cover a good part of the plane
    const share = await page.evaluate(() => {
      const c = document.getElementById('plane') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let blue = 0, orange = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 2] > d[i] + 40) blue++;
        else if (d[i] > d[i + 2] + 40) orange++;
      }
      const n = d.length / 4;
      return { blue: blue / n, orange: orange / n };
    });
    expect(share.blue).toBeGreaterThan(0.15);
    expect(share.orange).toBeGreaterThan(0.15);

    // the grad-mode toggle: with grad on the output keeps a graph, under noGrad none
    expect(await value(page, 'last-eval')).toBe('grad');
    expect(await text(page, 'last-eval')).not.toMatch(/ 0 graph nodes/);
    await page.locator('input[name="mode"][value="noGrad"]').check();
    await page.waitForFunction(() => document.getElementById('last-eval')?.dataset.value === 'noGrad');
    expect(await text(page, 'last-eval')).toMatch(/noGrad: .* 0 graph nodes kept/);

    // the run ends by itself (1500 steps) and then measures grad on vs noGrad; measure again by hand
    await page.selectOption('#steps-per-frame', '10');
    await page.waitForFunction(() => document.body.dataset.state === 'done' && document.body.dataset.measured === 'done', undefined, { timeout: 40_000 });
    await page.locator('#measure').click();
    await page.waitForFunction(() => document.body.dataset.measured === 'done', undefined, { timeout: 20_000 });
    const costs = {
      timeOn: await num(page, 'time-grad'), timeOff: await num(page, 'time-noGrad'),
      nodesOn: await num(page, 'nodes-grad'), nodesOff: await num(page, 'nodes-noGrad'),
      keptOn: await num(page, 'retained-grad'), keptOff: await num(page, 'retained-noGrad'),
      allocOn: await num(page, 'allocated-grad'), allocOff: await num(page, 'allocated-noGrad'),
    };
    expect(costs.timeOn).toBeGreaterThan(0);
    expect(costs.timeOff).toBeGreaterThan(0);
    expect(costs.nodesOn).toBeGreaterThan(5);
    expect(costs.nodesOff).toBe(0);
    // grad on keeps tensors saved for backward (today the two 4,096 × 32 float32 hidden activations,
    // 1 MiB); under noGrad only the output (32 KiB) stays
    expect(costs.keptOn).toBeGreaterThanOrEqual(256 * 1024);
    expect(costs.keptOff).toBeLessThan(costs.keptOn / 8);
    expect(costs.allocOn).toBeGreaterThan(0);

    // async callbacks: the browser has no AsyncLocalStorage, so core refuses with a GradModeError
    await page.locator('#async-try').click();
    await page.waitForFunction(() => document.getElementById('async-result')?.dataset.value === 'done');
    const asyncMessage = await text(page, 'async-result');
    expect(asyncMessage).toMatch(/^GradModeError: grad-mode scopes with async callbacks need AsyncLocalStorage/);
    expect(asyncMessage).toContain('setGradEnabled(false)');
    await page.locator('#async-workaround').click();
    await page.waitForFunction(() => document.getElementById('async-workaround-result')?.dataset.value === 'done');
    expect(await text(page, 'async-workaround-result')).toMatch(/isGradEnabled\(\) after the await: false, output\.gradFn: null, now isGradEnabled\(\): true/);

    expect(await page.locator('#errors').isHidden()).toBe(true);
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: `${resultsDir}playground.png`, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(`${resultsDir}playground.png`, `${appDir}/screenshot.png`);

    console.log(
      `playground: backend ${await value(page, 'backend')} (before initBackend(): ${before}), threads 1, ` +
        `loss ${firstLoss.toFixed(4)} → ${loss.toFixed(4)} at step 300, frame gap median ${medianGap.toFixed(1)} ms (max ${sortedGaps.at(-1)!.toFixed(1)}); ` +
        `grid eval ${costs.timeOn.toFixed(3)} ms on / ${costs.timeOff.toFixed(3)} ms noGrad, nodes ${costs.nodesOn}/${costs.nodesOff}, ` +
        `kept ${costs.keptOn}/${costs.keptOff} B, allocated ${costs.allocOn}/${costs.allocOff} B`,
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it('also runs cross-origin isolated (shared WebAssembly memory, still one thread on the main thread), and on moons', async () => {
    const { server, url } = await serve(ISOLATION_HEADERS);
    servers.push(server);
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 20_000 });
    expect(await value(page, 'isolated')).toBe('true');
    expect(await value(page, 'backend')).toBe('wasm');
    expect(await value(page, 'threads')).toBe('1');
    await stepAtLeast(page, 150);
    expect(await num(page, 'loss')).toBeLessThan((await num(page, 'loss-first')) / 2);
    // another data set starts a new run
    await page.selectOption('#dataset', 'moons');
    await page.waitForFunction(() => Number(document.getElementById('step')?.dataset.value) < 150);
    await stepAtLeast(page, 100);
    expect(await num(page, 'loss')).toBeLessThan((await num(page, 'loss-first')) / 2);
    expect(await page.locator('#errors').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
