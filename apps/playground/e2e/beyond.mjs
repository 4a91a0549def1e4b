// End-to-end tests of issue 17 "Beyond TF Playground" items 4 (learning-rate finder, two runs
// compared) and 6 (multi-class data sets, accuracy and epochs/s), axe-core on every page, and the
// training worker on two threads, in Chromium. Run: node e2e/beyond.mjs (after a build).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { artifacts, BASE, expect, openPage, runSpec } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

/** axe-core's violations on the page as it is now, one line each. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const { violations } = await page.evaluate(() => window.axe.run(document));
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

await runSpec('playground end-to-end: issue 17 beyond TF Playground (Chromium)', async ({ browser, test }) => {
  const desktop = await openPage(browser);
  const { page, errors, open } = desktop;

  await test('issue 17 tests: the axe-core check finds a violation planted in the page (it can fail)', async () => {
    await open('dataset=xor');
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('input'), { id: 'x' })));
    const violations = await axeViolations(page);
    expect(violations.some((v) => v.startsWith('label ')), `violations: ${violations.join('\n')}`);
  });

  await test('issue 17 threads: under the preview server (cross-origin isolated) the worker trains on ≥ 2 threads', async () => {
    await open('dataset=xor&seed=1');
    expect(await page.evaluate(() => crossOriginIsolated), 'the page is not cross-origin isolated');
    await page.waitForFunction(() => /^threads: \d/.test(document.querySelector('#threads').textContent));
    const readout = await page.locator('#threads').textContent();
    const threads = Number(readout.match(/^threads: (\d+)/)[1]);
    expect(threads >= 2 && threads <= 4, `the readout says "${readout}"`);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.querySelector('#epoch').textContent) >= 200, null, {
      timeout: 60_000,
    });
    await page.click('#play');
    const loss = Number(await page.locator('#test-loss').textContent());
    expect(loss < 0.2, `on XOR the test loss is ${loss} after 200 epochs on ${threads} threads`);
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });

  await test('issue 17 threads: served without COOP/COEP, the readout says why training runs on one thread', async () => {
    const context = await browser.newContext();
    // The same server's responses without the cross-origin isolation headers.
    await context.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    const plain = await context.newPage();
    await plain.goto(`${BASE}#dataset=xor`);
    await plain.waitForFunction(() => /^threads: \d/.test(document.querySelector('#threads').textContent));
    expect(!(await plain.evaluate(() => crossOriginIsolated)), 'the page is still cross-origin isolated');
    const readout = await plain.locator('#threads').textContent();
    expect(/^threads: 1 \(.*not cross-origin isolated/.test(readout), `the readout says "${readout}"`);
    await context.close();
  });

  for (const name of ['index', 'optimizers', 'activations', 'lessons']) {
    await test(`issue 17 tests: axe-core finds no violations on ${name}.html`, async () => {
      await page.goto(`${BASE}${name}.html`);
      await page.waitForLoadState('networkidle');
      if (name === 'index')
        await page.waitForFunction(() => window.playground?.history().length > 0, null, { timeout: 30_000 });
      const violations = await axeViolations(page);
      expect(violations.length === 0, `axe-core violations:\n${violations.join('\n')}`);
    });
  }
});
