// End-to-end tests of issue 17 defects 5 (biases, hover preview, output map), 9 (layout) and 10
// (data-set notes) in Chromium, at 1280×800 and 390×844. Run: node e2e/issue17.mjs (after a build);
// screenshots go to e2e/artifacts/.
import { join } from 'node:path';
import { artifacts, expect, openPage, runSpec } from './harness.mjs';

/** Bounding boxes of every element matching a selector. */
const boxes = (page, selector) =>
  page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
    }),
  );
const box = async (page, selector) => (await boxes(page, selector))[0];

/** How many different colours a canvas shows (1 = blank or flat). */
const colours = (page, selector) =>
  page.locator(selector).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });

const frame = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

await runSpec('playground end-to-end: issue 17 defects 5, 9, 10 (Chromium)', async ({ browser, test }) => {
  const desktop = await openPage(browser);
  const { page, errors, open } = desktop;

  await test('issue 17 #9: at 1280×800 the network diagram is central and wide; at 6×8 links show between the nodes and "sin(X₁)" is not clipped', async () => {
    await open('dataset=spiral&layers=8,8,8,8,8,8&features=x1,x2,sinX1');
    const [diagram, data, output] = [
      await box(page, '#network'),
      await box(page, '#data-panel'),
      await box(page, '#output-panel'),
    ];
    expect(diagram.width >= 0.4 * 1280, `the diagram is ${diagram.width}px wide`);
    expect(
      data.right <= diagram.left && diagram.right <= output.left,
      'the diagram is not between the data and the output',
    );
    // Between two columns the links need room: the gap between nodes is at least 1.5 nodes wide.
    for (let c = 0; c + 1 < 8; c++) {
      const here = await boxes(page, `#network g.node[data-column="${c}"] > rect:first-child`);
      const next = await boxes(page, `#network g.node[data-column="${c + 1}"] > rect:first-child`);
      const gap = Math.min(...next.map((b) => b.left)) - Math.max(...here.map((b) => b.right));
      expect(
        gap >= 1.5 * here[0].width,
        `columns ${c} and ${c + 1} are ${gap}px apart (nodes ${here[0].width}px)`,
      );
    }
    const label = page.locator('#network text', { hasText: 'sin(X₁)' });
    const [text, svg] = [await label.boundingBox(), await page.locator('#network').boundingBox()];
    expect(
      text.x >= svg.x && text.x + text.width <= svg.x + svg.width,
      `"sin(X₁)" is clipped: ${JSON.stringify(text)}`,
    );
    await page.screenshot({ path: join(artifacts, 'issue17-desktop-6x8.png') });
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });

  await test('issue 17 #9: the loss chart has epoch and loss axes with ticks, at a readable size', async () => {
    await open('dataset=xor');
    for (let i = 1; i <= 12; i++) {
      await page.click('#step');
      await page.waitForFunction((n) => document.querySelector('#epoch').textContent === String(n), i);
    }
    await frame(page);
    const chart = await box(page, '#loss-chart');
    expect(chart.width >= 280 && chart.height >= 120, `the chart is ${chart.width}×${chart.height}`);
    const epochs = (await page.locator('#loss-chart .x-ticks text').allTextContents()).map(Number);
    const losses = (await page.locator('#loss-chart .y-ticks text').allTextContents()).map(Number);
    expect(
      epochs.length >= 3 && epochs[0] === 0 && epochs.at(-1) <= 12 && epochs.at(-1) >= 6,
      `epoch ticks ${epochs}`,
    );
    expect(losses.length >= 3 && losses[0] === 0 && losses.every(Number.isFinite), `loss ticks ${losses}`);
    const titles = await page.locator('#loss-chart .axis-title').allTextContents();
    expect(titles.includes('epoch') && titles.includes('loss'), `axis titles ${titles}`);
    const points = await page.locator('#loss-chart polyline.test').getAttribute('points');
    expect(points.split(' ').length === 13, `the test-loss line has ${points.split(' ').length} points`);
  });

  await test('issue 17 #9: Play and Reset show drawn (SVG) glyphs, not font characters', async () => {
    const ascii = (s) => /^[\x20-\x7e]*$/.test(s.trim());
    const play = await page.locator('#play').textContent();
    expect(play.trim() === 'Play' && ascii(play), `the play button reads "${play}"`);
    expect(ascii(await page.locator('#reset').textContent()), 'the reset button has a font glyph');
    const icon = await box(page, '#play svg');
    expect(icon.width >= 8 && icon.height >= 8, `the play icon is ${icon.width}×${icon.height}`);
    const triangle = await page.locator('#play-icon').getAttribute('d');
    await page.click('#play');
    expect((await page.locator('#play').textContent()).trim() === 'Pause', 'Play did not turn into Pause');
    expect(
      (await page.locator('#play-icon').getAttribute('d')) !== triangle,
      'the pause icon is the play icon',
    );
    await page.click('#play');
  });

  await test('issue 17 #9: an import error says what is wrong without internal names, and can be dismissed', async () => {
    await open('dataset=xor');
    const download = page.waitForEvent('download');
    await page.click('#export');
    const file = await (await download).path();
    await page.click('#add-layer'); // another architecture: the file no longer fits
    await page.waitForFunction(() => document.querySelector('#network g.node[data-column="4"]') !== null);
    const message = async () => {
      await page.waitForFunction(() => document.querySelector('#status').textContent !== '');
      return page.locator('#status').textContent();
    };
    for (const input of [
      file,
      {
        name: 'garbage.safetensors',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('not a model'),
      },
    ]) {
      await page.setInputFiles('#import', input);
      const text = await message();
      expect(text.startsWith('Could not import the weights: '), `import error: ${text}`);
      expect(
        !/loadStateDict|loadModule|readSafetensors|^Error|\b[\w$]{1,3}\.\w+:/.test(text),
        `internal names in: ${text}`,
      );
      expect(text.endsWith('The network was left as it was.'), `import error: ${text}`);
      expect(await page.locator('#dismiss').isVisible(), 'the error cannot be dismissed');
      await page.click('#dismiss');
      expect((await page.locator('#status').textContent()) === '', 'Dismiss left the message');
      expect(await page.locator('#dismiss').isHidden(), 'Dismiss stays after the message went');
    }
  });

  await test('issue 17 #5: biases are shown and edited by clicking a neuron (hidden or output), also while training', async () => {
    await open('dataset=xor');
    const hidden = page.locator('#network g.node[data-column="1"][data-index="0"]');
    const output = page.locator('#network g.node[data-column="3"]');
    const initial = Number(await hidden.getAttribute('data-bias'));
    expect(Number.isFinite(initial), 'the neuron shows no bias');
    for (const [node, value, fill] of [
      [hidden, '1.5', 'rgb(8,119,189)'],
      [output, '-1', 'rgb(245,147,34)'],
    ]) {
      page.once('dialog', (dialog) => dialog.accept(value));
      await node.click();
      await page.waitForFunction(
        ([el, v]) => el.getAttribute('data-bias') === v,
        [await node.elementHandle(), value],
      );
      const shown = await node.locator('rect.bias').getAttribute('fill');
      expect(shown === fill, `bias ${value} is drawn ${shown}, expected ${fill}`);
    }
    // The keyboard reaches a neuron and Enter edits its bias.
    let opened = 0;
    const onDialog = (dialog) => {
      opened++;
      dialog.dismiss();
    };
    page.on('dialog', onDialog);
    await hidden.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => true);
    expect(opened === 1, 'Enter on a focused neuron did not open the bias editor');
    await page.click('#play');
    for (let i = 0; i < 5; i++) await hidden.click();
    await page.click('#play');
    page.off('dialog', onDialog);
    expect(opened === 6, `${opened - 1} of 5 clicks opened the bias editor while training`);
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });

  await test('issue 17 #5: hovering a node enlarges its map; the output node has its own map', async () => {
    await page.mouse.move(5, 5); // away from the diagram
    await open('dataset=circle&layers=4,2');
    await frame(page);
    expect(
      (await colours(page, '#network g.node[data-column="3"] canvas')) > 1,
      'the output node shows no map',
    );
    const node = page.locator('#network g.node[data-column="1"][data-index="1"]');
    expect(await page.locator('#neuron-preview').isHidden(), 'a preview shows before any hover');
    await node.hover();
    await frame(page);
    const [preview, small] = [
      await box(page, '#neuron-preview'),
      await node.locator('rect').first().boundingBox(),
    ];
    expect(
      preview && preview.width >= 3 * small.width,
      `the preview is ${preview?.width}px, the node ${small.width}px`,
    );
    expect((await colours(page, '#neuron-preview')) > 1, 'the preview is blank');
    await page.screenshot({ path: join(artifacts, 'issue17-hover-preview.png') });
    await page.mouse.move(5, 5);
    await frame(page);
    expect(await page.locator('#neuron-preview').isHidden(), 'the preview stays after the pointer left');
  });

  await test('issue 17 #10: each data set says how it relates to TF Playground', async () => {
    await open('dataset=circle');
    expect(
      (await page.locator('#dataset-note').textContent()).startsWith('As in TensorFlow Playground'),
      'no note for circle',
    );
    await page.selectOption('#dataset', 'blobs');
    expect(
      (await page.locator('#dataset-note').textContent()).startsWith('Not in TensorFlow Playground'),
      'blobs are not marked as Myelin’s own',
    );
  });
  await desktop.close();

  await test('issue 17 #9: canvases honour devicePixelRatio (2)', async () => {
    const sharp = await openPage(browser, { deviceScaleFactor: 2 });
    await sharp.open('dataset=xor');
    await frame(sharp.page);
    const heatmap = await sharp.page.locator('#heatmap').evaluate((c) => [c.width, c.clientWidth]);
    expect(
      heatmap[0] === Math.round(heatmap[1] * 2),
      `the heatmap has ${heatmap[0]} pixels for ${heatmap[1]} CSS pixels`,
    );
    await sharp.page.locator('#network g.node[data-column="1"]').first().hover();
    await frame(sharp.page);
    const preview = await sharp.page.locator('#neuron-preview').evaluate((c) => [c.width, c.clientWidth]);
    expect(
      preview[0] === Math.round(preview[1] * 2),
      `the preview has ${preview[0]} pixels for ${preview[1]} CSS pixels`,
    );
    await sharp.close();
  });

  await test('issue 17 #9: on a phone (390×844) Play, then the heatmap near the top, then the controls', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    await phone.open('dataset=spiral');
    const p = phone.page;
    const [play, heatmap, dataset, rate] = [
      await box(p, '#play'),
      await box(p, '#heatmap'),
      await box(p, '#dataset'),
      await box(p, '#learningRate'),
    ];
    expect(heatmap.top < 300, `the heatmap starts ${heatmap.top}px down`);
    expect(play.bottom <= heatmap.top, 'the heatmap is above Play');
    expect(heatmap.bottom <= dataset.top && heatmap.bottom <= rate.top, 'controls come before the heatmap');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
    await p.screenshot({ path: join(artifacts, 'issue17-phone.png'), fullPage: true });
    expect(phone.errors.length === 0, `console errors: ${phone.errors.join('\n')}`);
    await phone.close();
  });
});
