// End-to-end tests of issue 17 "Beyond TF Playground" item 6: multi-class data sets (k blobs, a k-arm
// spiral) with a softmax output and cross-entropy, in Chromium; axe-core on the multi-class page and on
// cnn.html. Run: node e2e/multiclass.mjs (after a build); screenshots go to e2e/artifacts/.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { artifacts, BASE, expect, openPage, runSpec } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

/**
 * At most this many epochs (one Step each) to reach 90% test accuracy on 4 blobs with the default
 * network (4, 2 tanh neurons; SGD at lr 0.03; seen: 16).
 */
const EPOCH_BUDGET = 40;

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

/** The diagram's output nodes (named "Output neuron…"). */
const outputNodes = (page) => page.locator('#network g.node[aria-label^="Output neuron"]');

/** Trains one epoch with Step and waits until the page shows it. */
async function step(page) {
  const before = Number(await page.locator('#epoch').textContent());
  await page.click('#step');
  await page.waitForFunction((e) => Number(document.querySelector('#epoch').textContent) > e, before);
  await frame(page);
}

/**
 * The heatmap's colours covering at least `share` of its pixels each (the class regions; points and
 * the blended edges between regions each cover far less).
 */
const heatmapColours = (page, share) =>
  page.locator('#heatmap').evaluate((canvas, min) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const counts = new Map();
    for (let i = 0; i < data.length; i += 4) {
      const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n >= min * (data.length / 4)).map(([key]) => key);
  }, share);

await runSpec(
  'playground end-to-end: issue 17 beyond #6, multi-class data sets (Chromium)',
  async ({ browser, test }) => {
    const { page, errors, open } = await openPage(browser);

    await test(`issue 17 beyond #6: 4 blobs reach ≥ 90% test accuracy within ${EPOCH_BUDGET} epochs, with 4 output nodes and cross-entropy`, async () => {
      await open('dataset=kblobs&classes=4&seed=1&discretize=true');
      expect((await outputNodes(page).count()) === 4, `${await outputNodes(page).count()} output nodes`);
      const names = await outputNodes(page).evaluateAll((nodes) =>
        nodes.map((n) => n.getAttribute('aria-label')),
      );
      expect(names[3] === 'Output neuron of class 4: edit its bias', `output node names ${names}`);
      expect(
        (await page.locator('#loss-kind').textContent()) === 'cross-entropy',
        'the loss is not labelled',
      );
      expect(
        (await page.locator('#loss-chart .loss-name').textContent()) === 'cross-entropy',
        'the loss axis is not labelled cross-entropy',
      );
      // Before training the loss is near log 4 (uniform probabilities), not a squared error.
      const initial = Number(await page.locator('#test-loss').textContent());
      expect(Math.abs(initial - Math.log(4)) < 0.5, `initial cross-entropy ${initial}`);
      let reached = 0;
      let accuracy = 0;
      while (reached < EPOCH_BUDGET) {
        await step(page);
        reached++;
        accuracy = Number((await page.locator('#test-accuracy').textContent()).replace('%', ''));
        if (accuracy >= 90) break;
      }
      console.log(`    90% test accuracy at epoch ${reached} (${accuracy}%)`);
      expect(accuracy >= 90, `test accuracy ${accuracy}% after ${reached} epochs`);
      const train = Number((await page.locator('#train-accuracy').textContent()).replace('%', ''));
      expect(train >= 85, `training accuracy ${train}%`);
      expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
    });

    await test('issue 17 beyond #6: the heatmap shows one colour per class (4), each output node its class probability', async () => {
      const colours = await heatmapColours(page, 0.05);
      expect(colours.length === 4, `heatmap colours covering ≥ 5%: ${colours.join(' | ')}`);
      // Each output node's map is white (probability 0) to its class's colour (1): four different tints.
      const tints = await outputNodes(page).evaluateAll((nodes) =>
        nodes.map((n) => {
          const canvas = n.querySelector('canvas');
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          // The most saturated pixel: where the class is most probable.
          let [best, key] = [-1, ''];
          for (let i = 0; i < data.length; i += 4) {
            const spread =
              Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]);
            if (spread > best) [best, key] = [spread, `${data[i]},${data[i + 1]},${data[i + 2]}`];
          }
          return key;
        }),
      );
      expect(new Set(tints).size === 4, `output maps' strongest colours ${tints}`);
      await page.screenshot({ path: join(artifacts, 'multiclass-blobs.png') });
    });

    await test('issue 17 beyond #6: axe-core finds no violations on the multi-class page', async () => {
      await page.check('#showTest');
      const violations = await axeViolations(page);
      expect(violations.length === 0, `axe-core violations:\n${violations.join('\n')}`);
    });

    await test('issue 17 beyond #6: switching back to a binary set restores one output node, ±1 colours and ½·MSE', async () => {
      await page.selectOption('#dataset', 'xor');
      await page.waitForFunction(() => window.playground.history().length > 0);
      await step(page);
      expect((await outputNodes(page).count()) === 1, `${await outputNodes(page).count()} output nodes`);
      expect(
        (await outputNodes(page).first().getAttribute('aria-label')) === 'Output neuron: edit its bias',
        'the output node is named for a class',
      );
      expect(await page.locator('#classes').isHidden(), 'the class count is offered for a binary set');
      expect(/squared error/.test(await page.locator('#loss-kind').textContent()), 'the loss is not ½·MSE');
      // Discretized (still on), the binary map is TF's orange and blue only.
      const colours = await heatmapColours(page, 0.05);
      expect(colours.length === 2, `heatmap colours covering ≥ 5%: ${colours.join(' | ')}`);
      expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
    });

    await test('issue 17 beyond #6: the class count goes into the URL hash and a reload restores it', async () => {
      await open('dataset=kspiral&seed=2');
      expect(await page.locator('#classes').isVisible(), 'no class count for a multi-class set');
      expect((await page.inputValue('#classes')) === '3', 'the default class count is not 3');
      await page.selectOption('#classes', '5');
      await page.waitForFunction(() => location.hash.includes('classes=5'));
      await page.waitForFunction(() => window.playground.history().length > 0);
      await step(page);
      expect((await outputNodes(page).count()) === 5, `${await outputNodes(page).count()} output nodes`);
      await page.reload();
      await page.waitForFunction(() => window.playground?.history().length > 0);
      await frame(page);
      expect((await page.inputValue('#classes')) === '5', 'the reload lost the class count');
      expect((await outputNodes(page).count()) === 5, 'the reload lost the output nodes');
      const labels = await page.evaluate(() => window.playground.state().classes);
      expect(labels === 5, `state.classes ${labels}`);
      await step(page);
      await page.screenshot({ path: join(artifacts, 'multiclass-spiral.png') });
    });

    await test('issue 17 tests: axe-core finds no violations on cnn.html', async () => {
      await page.goto(`${BASE}cnn.html`);
      await page.waitForFunction(
        () => window.cnnView?.state().ready && window.cnnView.state().prediction,
        null,
        {
          timeout: 60_000,
        },
      );
      const violations = await axeViolations(page);
      expect(violations.length === 0, `axe-core violations:\n${violations.join('\n')}`);
    });
  },
);
