// End-to-end tests of issue 17 "Beyond TF Playground" items 4 (learning-rate finder, two runs
// compared) and 6 (multi-class data sets, accuracy and epochs/s), axe-core on every page, and the
// training worker on two threads, in Chromium. Run: node e2e/beyond.mjs (after a build).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { artifacts, BASE, expect, openPage, runSpec } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

const frame = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** axe-core's violations on the page as it is now, one line each. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const { violations } = await page.evaluate(() => window.axe.run(document));
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

await runSpec(
  'playground end-to-end: issue 17 beyond TF Playground (Chromium)',
  async ({ browser, test }) => {
    const desktop = await openPage(browser);
    const { page, errors, open } = desktop;

    await test('issue 17 tests: the axe-core check finds a violation planted in the page (it can fail)', async () => {
      await open('dataset=xor');
      await page.evaluate(() =>
        document.body.append(Object.assign(document.createElement('input'), { id: 'x' })),
      );
      const violations = await axeViolations(page);
      expect(
        violations.some((v) => v.startsWith('label ')),
        `violations: ${violations.join('\n')}`,
      );
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

    await test('issue 17 beyond #6: train/test accuracy for classification sets (none for regression) and an epochs/s readout while playing', async () => {
      await open('dataset=gaussian&seed=4');
      await page.click('#step');
      await page.waitForFunction(() => document.querySelector('#epoch').textContent === '1');
      const accuracy = async (id) => Number((await page.locator(id).textContent()).replace('%', ''));
      // Two well-separated Gaussians: one epoch classifies nearly all points.
      expect(
        (await accuracy('#train-accuracy')) >= 90,
        `training accuracy ${await accuracy('#train-accuracy')}`,
      );
      expect((await accuracy('#test-accuracy')) >= 90, `test accuracy ${await accuracy('#test-accuracy')}`);
      expect(
        (await page.locator('#epochs-per-second').textContent()) === '–',
        'a speed is shown for a single step',
      );
      await page.click('#play');
      await page.waitForFunction(
        () => Number(document.querySelector('#epochs-per-second').textContent) > 0,
        null,
        {
          timeout: 30_000,
        },
      );
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#epochs-per-second').textContent === '–');
      await open('dataset=plane');
      expect(await page.locator('#accuracy').isHidden(), 'a regression set shows an accuracy');
    });

    await test('issue 17 beyond #4: the learning-rate finder plots loss against a log lr axis and one click applies its suggestion, without resetting', async () => {
      await open('dataset=xor&seed=3&learningRate=0.00001');
      for (let i = 1; i <= 3; i++) {
        await page.click('#step');
        await page.waitForFunction((n) => document.querySelector('#epoch').textContent === String(n), i);
      }
      const trainLoss = await page.locator('#train-loss').textContent();
      await page.click('#find-lr');
      await page.waitForFunction(() => !document.querySelector('#lr-finder').hidden, null, {
        timeout: 60_000,
      });
      await frame(page);
      const points = (await page.locator('#lr-chart polyline').getAttribute('points')).split(' ');
      expect(points.length >= 30, `the finder plotted ${points.length} points`);
      const ticks = await page.locator('#lr-chart .x-ticks text').allTextContents();
      expect(ticks[0] === '1e-5' && ticks.includes('1e-2') && ticks.length >= 5, `lr ticks ${ticks}`);
      // The loss first falls then rises: the curve's lowest point is inside, not at either end.
      const ys = points.map((p) => Number(p.split(',')[1]));
      const lowest = ys.indexOf(Math.max(...ys)); // SVG y grows downwards
      expect(lowest > 0 && lowest < ys.length - 1, `the lowest loss is at point ${lowest} of ${ys.length}`);
      const suggestion = await page.locator('#lr-suggestion').textContent();
      const suggested = Number(suggestion.match(/lr ≈ ([\d.e-]+)/)[1]);
      const offered = await page.locator('#apply-lr').getAttribute('data-rate');
      expect(
        (await page.locator('#apply-lr').textContent()) === `Use lr = ${offered}`,
        'the button does not say the rate',
      );
      expect(suggested >= 1e-3 && suggested <= 3, `suggested lr ${suggested}`);
      expect((await page.locator('#lr-chart line.suggested').count()) === 1, 'the suggestion is not marked');
      // The finder trains a copy: the network and its epoch are as they were.
      expect((await page.locator('#epoch').textContent()) === '3', 'the finder changed the epoch');
      expect(
        (await page.locator('#train-loss').textContent()) === trainLoss,
        'the finder changed the network',
      );
      await page.screenshot({ path: join(artifacts, 'beyond-lr-finder.png') });
      await page.click('#apply-lr');
      await page.waitForFunction((lr) => document.querySelector('#current-lr').textContent === lr, offered);
      expect((await page.inputValue('#learningRate')) === offered, 'the menu does not show the applied rate');
      expect(page.url().includes(`learningRate=${offered}`), `the URL ${page.url()} lacks the rate`);
      expect((await page.locator('#epoch').textContent()) === '3', 'applying the rate reset the network');
      expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
    });

    await test('issue 17 beyond #4: "Pin this run" overlays the pinned run dashed on the next run\'s chart; unpin removes it', async () => {
      await open('dataset=xor&seed=2');
      const steps = async (n) => {
        for (let i = 1; i <= n; i++) {
          const before = Number(await page.locator('#epoch').textContent());
          await page.click('#step');
          await page.waitForFunction((e) => Number(document.querySelector('#epoch').textContent) > e, before);
        }
        await frame(page);
      };
      await steps(12);
      await page.click('#pin');
      expect((await page.locator('#pin').getAttribute('aria-pressed')) === 'true', 'Pin is not pressed');
      await page.selectOption('#learningRate', '0.3');
      await page.click('#reset');
      await page.waitForFunction(() => document.querySelector('#epoch').textContent === '0');
      await steps(4);
      const count = async (selector) =>
        ((await page.locator(selector).getAttribute('points')) ?? '').split(' ').filter(Boolean).length;
      expect(
        (await count('#loss-chart polyline.pinned-test')) === 13,
        'the pinned test curve is not the 13-point run',
      );
      expect(
        (await count('#loss-chart polyline.pinned-train')) === 13,
        'the pinned training curve is missing',
      );
      expect((await count('#loss-chart polyline.test')) === 5, 'the current run is not drawn beside it');
      const dash = await page
        .locator('#loss-chart polyline.pinned-test')
        .evaluate((l) => getComputedStyle(l).strokeDasharray);
      expect(dash !== 'none' && dash !== '', `the pinned curve is not dashed (${dash})`);
      // Both runs share the epoch axis: it reaches the pinned run's 12 epochs, not only the current 4.
      const epochs = (await page.locator('#loss-chart .x-ticks text').allTextContents()).map(Number);
      expect(epochs.at(-1) >= 10, `epoch ticks ${epochs}`);
      await page.screenshot({ path: join(artifacts, 'beyond-pinned.png') });
      await page.click('#pin');
      await frame(page);
      expect((await count('#loss-chart polyline.pinned-test')) === 0, 'unpinning left the pinned curve');
      expect(
        (await page.locator('#pin').textContent()) === 'Pin this run',
        'the button does not offer to pin again',
      );
    });

    await test('issue 17 beyond #4: a pinned run stays bounded (it copies the downsampled history)', async () => {
      await open('dataset=xor');
      await page.evaluate(() => {
        for (let e = 1; e <= 50_000; e++) window.playground.recordLoss(e, 1 / e, 2 / e);
      });
      await page.click('#pin');
      const length = await page.evaluate(() => window.playground.pinned().length);
      expect(length > 100 && length < 2000, `the pinned run keeps ${length} points`);
      await page.click('#pin');
    });

    for (const name of ['index', 'optimizers', 'activations', 'lessons']) {
      await test(`issue 17 tests: axe-core finds no violations on ${name}.html`, async () => {
        await page.goto(`${BASE}${name}.html`);
        await page.waitForLoadState('networkidle');
        if (name === 'index') {
          // With this file's additions showing: the learning-rate finder's chart and a pinned run.
          await page.waitForFunction(() => window.playground?.history().length > 0, null, {
            timeout: 30_000,
          });
          await page.click('#find-lr');
          await page.waitForFunction(() => !document.querySelector('#lr-finder').hidden, null, {
            timeout: 60_000,
          });
          await page.click('#pin');
        }
        const violations = await axeViolations(page);
        expect(violations.length === 0, `axe-core violations:\n${violations.join('\n')}`);
      });
    }
  },
);
