// End-to-end tests of the CNN view (cnn.html, issue 17 "Beyond TF Playground" item 1) in Chromium:
// it trains on the bundled 8×8 digits, classifies test images and a drawn "1", and shows the filters,
// feature maps, confusion matrix and mistakes. Run: node e2e/cnn.mjs (after a build); screenshots go
// to e2e/artifacts/.
import { join } from 'node:path';
import { artifacts, BASE, expect, openPage, runSpec } from './harness.mjs';

/** At most this many epochs to reach 90% test accuracy (seen: 3). */
const EPOCH_BUDGET = 12;

const state = (page) => page.evaluate(() => window.cnnView.state());

/** Waits until the prediction shown is the network's answer for the input as it is now. */
const settled = (page) =>
  page.waitForFunction(() => {
    const s = window.cnnView.state();
    return s.prediction !== null && s.prediction.inputId === s.inputId;
  });

/** Pauses and waits for the epoch in progress to end (a pause takes effect between epochs). */
async function pause(page) {
  if ((await state(page)).playing) await page.click('#play');
  await page.waitForFunction(() => {
    const s = window.cnnView.state();
    return !s.playing && !s.training;
  });
}

await runSpec('CNN view end-to-end (Chromium)', async ({ browser, test }) => {
  const { page, errors, close } = await openPage(browser, { width: 1280, height: 900, deviceScaleFactor: 2 });
  await page.goto(`${BASE}cnn.html`);
  await page.waitForFunction(() => window.cnnView?.state().ready && window.cnnView.state().prediction);

  await test(`CNN view: trains to >= 90% test accuracy on the 8×8 digits within ${EPOCH_BUDGET} epochs`, async () => {
    const before = await state(page);
    expect(
      before.epoch === 0 && !before.playing,
      `starts at epoch ${before.epoch}, playing ${before.playing}`,
    );
    await page.click('#play');
    expect((await page.locator('#play').getAttribute('aria-pressed')) === 'true', 'Play is not pressed');
    await page.waitForFunction(
      (budget) => {
        const s = window.cnnView.state();
        return s.testAccuracy >= 0.9 || s.epoch >= budget;
      },
      EPOCH_BUDGET,
      { timeout: 120_000 },
    );
    await pause(page);
    const s = await state(page);
    // The first epoch at or above 90%, from the page's per-epoch record (the pause may come later).
    const reached = s.accuracyPerEpoch.findIndex((a) => a >= 0.9);
    console.log(`    90% test accuracy at epoch ${reached}; paused at epoch ${s.epoch}, ${s.testAccuracy}`);
    expect(reached >= 1 && reached <= EPOCH_BUDGET, `accuracy per epoch ${s.accuracyPerEpoch}`);
    expect(s.accuracyPerEpoch.length === s.epoch + 1, `${s.accuracyPerEpoch.length} epochs recorded`);
    expect(s.testAccuracy >= 0.9, `test accuracy ${s.testAccuracy} after ${s.epoch} epochs`);
    expect((await page.locator('#epoch').textContent()) === String(s.epoch), 'the epoch shown differs');
    const shown = Number((await page.locator('#accuracy').textContent()).replace('%', ''));
    expect(Math.abs(shown - s.testAccuracy * 100) < 0.06, `accuracy shown ${shown}%`);
  });

  await test('CNN view: the confusion matrix sums to the test-set size and its diagonal is the accuracy', async () => {
    const s = await state(page);
    expect(s.testSize === 360 || s.testSize === 359, `test set of ${s.testSize} (20% of 1,797)`);
    const cells = await page
      .locator('#confusion tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.textContent))),
      );
    expect(cells.length === 10 && cells.every((r) => r.length === 10), 'the matrix is not 10×10');
    const total = cells.flat().reduce((a, b) => a + b, 0);
    expect(total === s.testSize, `the matrix sums to ${total}, the test set has ${s.testSize}`);
    const diagonal = cells.reduce((sum, row, i) => sum + row[i], 0);
    expect(
      Math.abs(diagonal / s.testSize - s.testAccuracy) < 1e-9,
      `diagonal ${diagonal} of ${s.testSize}, accuracy ${s.testAccuracy}`,
    );
    // Row totals are the classes' counts in the test set.
    cells.forEach((row, c) => {
      const count = s.testLabels.filter((l) => l === c).length;
      expect(row.reduce((a, b) => a + b, 0) === count, `row ${c} sums to ${row} (class count ${count})`);
    });
    expect(
      s.misclassified === Math.min(48, s.testSize - diagonal),
      `${s.misclassified} misclassified shown for ${s.testSize - diagonal} errors`,
    );
  });

  await test('CNN view: 8 first-layer filters, and 8 maps 8×8 then 16 maps 4×4 for the input', async () => {
    const s = await state(page);
    expect(s.filters === 8, `${s.filters} filters drawn`);
    expect(
      JSON.stringify(s.maps) ===
        JSON.stringify([
          { channels: 8, size: 8 },
          { channels: 16, size: 4 },
        ]),
      `feature maps ${JSON.stringify(s.maps)}`,
    );
    // Device pixel ratio 2: the canvases have two backing pixels per CSS pixel.
    for (const selector of ['#pad', '#seen', '#filters canvas', '#chart']) {
      const [pixels, css] = await page
        .locator(selector)
        .first()
        .evaluate((c) => [c.width, c.clientWidth]);
      expect(pixels === Math.round(css * 2), `${selector} has ${pixels} pixels for ${css} CSS pixels`);
    }
  });

  await test("CNN view: a picked test image is classified as the network's own evaluation of it", async () => {
    const s0 = await state(page);
    let agree = 0;
    for (let k = 0; k < 6; k++) {
      await page.click('#pick');
      await settled(page);
      const s = await state(page);
      expect(s.source.kind === 'test', `the input is ${JSON.stringify(s.source)}`);
      const i = s.source.index;
      expect(
        s.input.length === 64 && s.input.every((v) => Number.isInteger(v) && v >= 0 && v <= 16),
        `the input is ${s.input}`,
      );
      expect(s.prediction.epoch === s0.epoch, `prediction of epoch ${s.prediction.epoch}, not ${s0.epoch}`);
      expect(
        s.prediction.top === s0.testPredictions[i],
        `test image ${i}: the page shows ${s.prediction.top}, the test-set evaluation says ${s0.testPredictions[i]}`,
      );
      const topBar = await page.locator('#bars li.top').getAttribute('data-class');
      expect(Number(topBar) === s.prediction.top, `the highlighted bar is ${topBar}`);
      if (s.prediction.top === s0.testLabels[i]) agree++;
    }
    expect(agree >= 3, `only ${agree} of 6 test images classified right`);
  });

  await test('CNN view: a misclassified example (Enter on it) becomes the input, with its wrong class on top', async () => {
    const s0 = await state(page);
    const example = page.locator('#misclassified button').first();
    const index = Number(await example.getAttribute('data-index'));
    await example.focus();
    await page.keyboard.press('Enter');
    await settled(page);
    const s = await state(page);
    expect(s.source.kind === 'test' && s.source.index === index, `the input is ${JSON.stringify(s.source)}`);
    expect(
      s.prediction.top === s0.testPredictions[index] && s.prediction.top !== s0.testLabels[index],
      `shows ${s.prediction.top} for a ${s0.testLabels[index]} predicted ${s0.testPredictions[index]}`,
    );
  });

  await test('CNN view: drawing a "1" (a vertical stroke) is read as a 1 once trained', async () => {
    await page.click('#clear');
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const pad = await page.locator('#pad').boundingBox();
    const x = pad.x + pad.width * 0.52;
    await page.mouse.move(x, pad.y + pad.height * 0.12);
    await page.mouse.down();
    for (let k = 1; k <= 12; k++) await page.mouse.move(x - k * 0.8, pad.y + pad.height * (0.12 + k * 0.065));
    await page.mouse.up();
    // The drawing is rasterised at the next frame.
    await page.waitForFunction(() => window.cnnView.state().source.kind === 'drawn');
    await settled(page);
    const s = await state(page);
    expect(s.source.kind === 'drawn', `the input is ${JSON.stringify(s.source)}`);
    // Inked in the middle columns only, full height, on the data set's 0..16 scale.
    const column = (c) => s.input.filter((_, p) => p % 8 === c).reduce((a, b) => a + b, 0);
    expect(column(0) === 0 && column(7) === 0 && column(3) + column(4) > 0, `input ${s.input}`);
    expect(
      s.input.every((v) => Number.isInteger(v) && v >= 0 && v <= 16),
      `input ${s.input}`,
    );
    expect(
      s.prediction.top === 1,
      `a drawn 1 is read as ${s.prediction.top} (${s.prediction.probabilities})`,
    );
    // One image pixel per CSS pixel, as the README's screenshots (docs/cnn.png is a copy of this one).
    await page.screenshot({ path: join(artifacts, 'cnn.png'), fullPage: true, scale: 'css' });
    await page.click('#clear');
    await page.waitForFunction(() => window.cnnView.state().source.kind === 'empty');
    await settled(page);
    expect(
      (await state(page)).input.every((v) => v === 0),
      'Clear left ink',
    );
  });

  await test('CNN view: keyboard-operable named controls; Reset goes back to an untrained epoch 0', async () => {
    const names = await page
      .locator('button')
      .evaluateAll((buttons) => buttons.map((b) => (b.getAttribute('aria-label') ?? b.textContent).trim()));
    expect(
      names.every((n) => n.length > 0),
      `a button without a name: ${JSON.stringify(names)}`,
    );
    await page.focus('#play');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.cnnView.state().playing);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => !window.cnnView.state().playing);
    await page.focus('#reset');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const s = window.cnnView.state();
      return s.epoch === 0 && !s.training;
    });
    const s = await state(page);
    expect(s.testAccuracy < 0.5, `after Reset the test accuracy is ${s.testAccuracy}`);
    const total = s.confusion.flat().reduce((a, b) => a + b, 0);
    expect(total === s.testSize, `after Reset the matrix sums to ${total}`);
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });

  await test('CNN view: on a phone (390×844) nothing overflows and the drawing pad fits', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    await phone.page.goto(`${BASE}cnn.html`);
    await phone.page.waitForFunction(() => window.cnnView?.state().confusion.length === 10);
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
    const pad = await phone.page.locator('#pad').boundingBox();
    expect(pad.width >= 200 && pad.x >= 0 && pad.x + pad.width <= 390, `the pad is ${JSON.stringify(pad)}`);
    expect(phone.errors.length === 0, `console errors: ${phone.errors.join('\n')}`);
    await phone.close();
  });
  await close();
});
