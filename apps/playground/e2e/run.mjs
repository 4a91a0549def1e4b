// End-to-end tests of the playground in real Chromium (Debian's), driven by Playwright, against the
// production build served by `vite preview` on 127.0.0.1. Run: pnpm --filter @myelin/playground e2e
// (after a build). Screenshots go to e2e/artifacts/.
import { join } from 'node:path';
import { artifacts, BASE, expect, runSpec } from './harness.mjs';

await runSpec('playground end-to-end (Chromium)', async ({ browser, test }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const firstUpdate = () =>
    page.waitForFunction(() => window.playground?.history().length > 0, null, { timeout: 30_000 });

  await test('loads without console errors, cross-origin isolated, and draws a first update', async () => {
    await page.goto(BASE);
    await firstUpdate();
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
    expect(await page.evaluate(() => crossOriginIsolated), 'the page is not cross-origin isolated');
    expect((await page.locator('#epoch').textContent()) === '0', 'a fresh network should be at epoch 0');
    await page.screenshot({ path: join(artifacts, 'loaded.png') });
  });

  await test('XOR with the default network: play brings the test loss below 0.1 within 500 epochs', async () => {
    await page.goto(`${BASE}#dataset=xor`);
    await page.reload();
    await firstUpdate();
    await page.click('#play');
    const reached = await page.waitForFunction(
      () =>
        window.playground.history().find((h) => h.test < 0.1) ??
        (window.playground.history().at(-1)?.epoch > 500 ? 'over' : null),
      null,
      {
        timeout: 60_000,
        polling: 100,
      },
    );
    const first = await reached.jsonValue();
    await page.click('#play'); // pause
    expect(first !== 'over', 'test loss did not fall below 0.1 within 500 epochs');
    // The page sees updates every ~30 ms: the epoch it first saw is an upper bound.
    expect(first.epoch <= 500, `test loss first seen below 0.1 at epoch ${first.epoch}`);
    console.log(`    test loss ${first.test.toFixed(3)} at epoch ${first.epoch}`);
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
    await page.screenshot({ path: join(artifacts, 'xor-trained.png') });
  });

  await test('changing a control updates the URL hash, and reloading restores the state', async () => {
    await page.selectOption('#activation', 'relu');
    await page.click('#add-layer');
    const hash = await page.evaluate(() => location.hash);
    expect(
      hash.includes('activation=relu') && hash.includes('layers=4%2C2%2C2'),
      `hash not updated: ${hash}`,
    );
    await page.reload();
    await firstUpdate();
    expect((await page.inputValue('#activation')) === 'relu', 'activation not restored from the URL');
    expect((await page.locator('#layer-count').textContent()) === '3', 'layers not restored from the URL');
    expect((await page.inputValue('#dataset')) === 'xor', 'dataset not restored from the URL');
  });

  await test('step trains one epoch; reset returns to epoch 0 with a new network', async () => {
    await page.click('#step');
    await page.waitForFunction(() => document.querySelector('#epoch').textContent === '1');
    await page.click('#step');
    await page.waitForFunction(() => document.querySelector('#epoch').textContent === '2');
    await page.click('#reset');
    await page.waitForFunction(() => document.querySelector('#epoch').textContent === '0');
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });

  await test('controls can be hidden for embedding in a lesson', async () => {
    await page.goto(`${BASE}#dataset=circle&hide=noise,regularization`);
    await page.reload();
    await firstUpdate();
    expect(await page.locator('[data-control=noise]').isHidden(), 'noise control should be hidden');
    expect(
      await page.locator('[data-control=regularization]').isHidden(),
      'regularization control should be hidden',
    );
    // The label (the note under it shares its data-control, so it hides with it).
    expect(
      await page.locator('label[data-control=dataset]').isVisible(),
      'dataset control should be visible',
    );
  });

  await test('beyond TF Playground: schedule, dropout and batch norm train; gradient norms and the learning rate are shown', async () => {
    await page.goto(
      `${BASE}#dataset=circle&schedule=exponential&dropout=0.2&dropoutLayers=1,0&batchNormLayers=1,1&optimizer=adam&beta1=0.8&learningRate=0.01`,
    );
    await page.reload();
    await firstUpdate();
    for (let i = 0; i < 3; i++) await page.click('#step');
    await page.waitForFunction(() => document.querySelector('#epoch').textContent === '3');
    const norms = await page.locator('#gradient-norms li').allTextContents();
    expect(norms.length === 3 && norms.every((t) => /\d/.test(t)), `gradient norms: ${norms.join(' | ')}`);
    const lr = Number(await page.locator('#current-lr').textContent());
    expect(
      Math.abs(lr - 0.01 * 0.995 ** 3) < 1e-5,
      `the exponential schedule should give ${0.01 * 0.995 ** 3}, got ${lr}`,
    );
    const beta1 = await page.inputValue('#beta1');
    expect(
      beta1 === '0.8',
      `Adam β₁ not restored from the URL: ${beta1} (${await page.evaluate(() => location.hash)})`,
    );
    expect(await page.locator('#momentum').isHidden(), 'momentum is not an Adam option and should be hidden');
    expect(
      await page.locator('input[data-flag=batchNormLayers][data-index="1"]').isChecked(),
      'per-layer BN not restored',
    );
    await page.click('input[data-flag=dropoutLayers][data-index="1"]');
    expect(
      (await page.evaluate(() => location.hash)).includes('dropoutLayers=1%2C1'),
      'per-layer dropout not in the URL',
    );
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });

  await test('editing a weight by clicking its link; export and import of the weights (safetensors)', async () => {
    await page.goto(`${BASE}#dataset=xor`);
    await page.reload();
    await firstUpdate();
    const link = page.locator('#network line').first();
    page.once('dialog', (dialog) => dialog.accept('2.5'));
    await link.click({ force: true });
    await page.waitForFunction(
      () => document.querySelector('#network line')?.getAttribute('data-weight') === '2.5',
    );
    const before = await page
      .locator('#network line')
      .evaluateAll((lines) => lines.map((l) => l.getAttribute('data-weight')));
    const download = page.waitForEvent('download');
    await page.click('#export');
    const file = await (await download).path();
    await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Exported'));
    page.once('dialog', (dialog) => dialog.accept('-1'));
    await link.click({ force: true });
    await page.waitForFunction(
      () => document.querySelector('#network line')?.getAttribute('data-weight') === '-1',
    );
    await page.setInputFiles('#import', file);
    await page.waitForFunction(
      () => document.querySelector('#network line')?.getAttribute('data-weight') === '2.5',
    );
    const after = await page
      .locator('#network line')
      .evaluateAll((lines) => lines.map((l) => l.getAttribute('data-weight')));
    expect(
      JSON.stringify(after) === JSON.stringify(before),
      'imported weights differ from the exported ones',
    );
    expect(
      (await page.locator('#status').textContent()) === '',
      `import reported: ${await page.locator('#status').textContent()}`,
    );
  });

  await test('readable on a phone-sized viewport', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE}#dataset=spiral`);
    await page.reload();
    await firstUpdate();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
    await page.screenshot({ path: join(artifacts, 'phone.png'), fullPage: true });
  });
  await test('issue 17 #1: a 6×8 network at batch 30 stays responsive: Pause takes effect within a few drawn frames, and training updates the diagram in place', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${BASE}#dataset=spiral&layers=8,8,8,8,8,8&batchSize=30`);
    await page.reload();
    await firstUpdate();
    // Counts rebuilds of the diagram (its top-level elements replaced), which training must not cause.
    await page.evaluate(() => {
      window.rebuilds = 0;
      new MutationObserver((records) => {
        window.rebuilds += records.length;
      }).observe(document.querySelector('#network'), { childList: true });
    });
    await page.click('#play');
    const started = await page.evaluate(() => window.playground.frames());
    await page.waitForFunction((s) => window.playground.frames() >= s + 30, started, { timeout: 60_000 });
    const atPause = await page.evaluate(() => {
      document.querySelector('#play').click();
      return window.playground.frames();
    });
    // Waits until the page has stopped drawing (no new frame for a second).
    let [last, now] = [-1, atPause];
    while (now !== last) {
      last = now;
      await page.waitForTimeout(1000);
      now = await page.evaluate(() => window.playground.frames());
    }
    expect(now - atPause <= 4, `the page drew ${now - atPause} frames after Pause`);
    const rebuilds = await page.evaluate(() => window.rebuilds);
    expect(rebuilds === 0, `training rebuilt the network diagram ${rebuilds} times`);
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });
  await test('issue 17 #2: a long session keeps a bounded loss history and the chart still draws', async () => {
    await page.goto(`${BASE}#dataset=xor`);
    await page.reload();
    await firstUpdate();
    const framesBefore = await page.evaluate(() => window.playground.frames());
    await page.evaluate(() => {
      for (let epoch = 1; epoch <= 200_000; epoch++)
        window.playground.recordLoss(epoch, 1 / epoch, 2 / epoch);
    });
    await page.waitForFunction((f) => window.playground.frames() > f, framesBefore);
    const { length, first, last } = await page.evaluate(() => {
      const h = window.playground.history();
      return { length: h.length, first: h[0].epoch, last: h.at(-1).epoch };
    });
    expect(length <= 2000, `the history holds ${length} points`);
    expect(first === 0 && last === 200_000, `the history spans epochs ${first}–${last}`);
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });
  await test('issue 17 #3: switching the data set or hiding the test data leaves no old points on the heatmap', async () => {
    const drawn = async () => {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      return page.evaluate(() => document.querySelector('#heatmap').toDataURL());
    };
    await page.goto(`${BASE}#dataset=circle&showTest=true`);
    await page.reload();
    await firstUpdate();
    await drawn();
    await page.selectOption('#dataset', 'xor');
    await firstUpdate();
    await page.click('#showTest');
    const switched = await drawn();
    const hash = await page.evaluate(() => location.hash);
    await page.goto(`${BASE}${hash}`);
    await page.reload();
    await firstUpdate();
    const fresh = await drawn();
    expect(switched === fresh, 'the heatmap differs from a fresh page showing the same state');
  });
  await test('issue 17 #4: changing the learning rate or the regularization mid-training keeps the network', async () => {
    await page.goto(`${BASE}#dataset=xor&schedule=none`);
    await page.reload();
    await firstUpdate();
    for (let i = 1; i <= 3; i++) {
      await page.click('#step');
      await page.waitForFunction((n) => document.querySelector('#epoch').textContent === String(n), i);
    }
    await page.selectOption('#learningRate', '0.1');
    await page.waitForFunction(() => document.querySelector('#current-lr').textContent === '0.1');
    expect((await page.locator('#epoch').textContent()) === '3', 'the learning rate reset the network');
    await page.selectOption('#regularization', 'l2');
    await page.selectOption('#regularizationRate', '0.01');
    await page.click('#step');
    await page.waitForFunction(() => document.querySelector('#epoch').textContent !== '3');
    expect((await page.locator('#epoch').textContent()) === '4', 'the regularization reset the network');
    expect((await page.locator('#current-lr').textContent()) === '0.1', 'the new learning rate is not used');
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });
  await test('issue 17 #5: batch norm raises batch size 1 to 2 and says why; RMSprop trains at its defaults', async () => {
    await page.goto(`${BASE}#dataset=circle&batchNormLayers=1,0&batchSize=1`);
    await page.reload();
    await firstUpdate();
    expect((await page.inputValue('#batch')) === '2', 'batch size 1 kept with batch norm on');
    expect(
      (await page.locator('#batch-note').textContent()).includes('Batch norm needs at least 2'),
      'no note says why the batch size is at least 2',
    );
    await page.click('input[data-flag=batchNormLayers][data-index="0"]'); // batch norm off
    await page.fill('#batch', '1');
    expect((await page.inputValue('#batch')) === '1', 'batch size 1 refused without batch norm');
    await page.click('input[data-flag=batchNormLayers][data-index="1"]'); // on again
    expect((await page.inputValue('#batch')) === '2', 'turning batch norm on kept batch size 1');

    await page.selectOption('#optimizer', 'rmsprop');
    const [lr, momentum] = [await page.inputValue('#learningRate'), await page.inputValue('#momentum')];
    expect(lr === '0.003' && momentum === '0', `RMSprop starts at learning rate ${lr}, momentum ${momentum}`);
    await page.click('input[data-flag=batchNormLayers][data-index="1"]'); // plain network
    await page.click('#play');
    const reached = await page.waitForFunction(
      () =>
        window.playground.history().find((h) => h.test < 0.1) ??
        (window.playground.history().at(-1)?.epoch > 500 ? 'over' : null),
      null,
      { timeout: 60_000, polling: 100 },
    );
    const first = await reached.jsonValue();
    await page.click('#play'); // pause
    expect(first !== 'over', 'RMSprop at its defaults did not bring the test loss below 0.1 in 500 epochs');
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });
  await test('issue 17 #6: a shared URL reproduces a run exactly (batches and dropout seeded from it)', async () => {
    const run = async () => {
      await page.goto(`${BASE}#dataset=spiral&seed=5&dropoutLayers=1,0&batchSize=7`);
      await page.reload();
      await firstUpdate();
      for (let i = 1; i <= 4; i++) {
        await page.click('#step');
        await page.waitForFunction((n) => window.playground.history().at(-1).epoch === n, i);
      }
      return JSON.stringify(await page.evaluate(() => window.playground.history()));
    };
    const [first, second] = [await run(), await run()];
    expect(first === second, `two runs of the same URL differ:\n${first}\n${second}`);
  });
  await test('issue 17 #7: accessible names, no chatty live regions, Space presses the focused button, visible focus', async () => {
    await page.goto(`${BASE}#dataset=xor`);
    await page.reload();
    await firstUpdate();
    for (const name of ['Training data', 'Noise', 'Batch size'])
      expect((await page.getByRole('slider', { name }).count()) === 1, `no slider named "${name}"`);
    for (const [role, name] of [
      ['checkbox', 'Dropout after layer 2'],
      ['checkbox', 'Batch norm in layer 1'],
    ])
      expect((await page.getByRole(role, { name, exact: true }).count()) === 1, `no ${role} named "${name}"`);
    // Numbers rewritten every frame must not be live regions (a screen reader would read each).
    const live = await page.evaluate(() =>
      ['epoch', 'test-loss', 'train-loss', 'current-lr', 'batch-value']
        .filter((id) => document.getElementById(id).closest('output, [aria-live], [role=status], [role=log]'))
        .join(', '),
    );
    expect(live === '', `live regions updated while training: ${live}`);
    // Space on a focused button presses that button only.
    await page.focus('#step');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('#epoch').textContent === '1');
    expect((await page.locator('#play').textContent()).includes('Play'), 'Space on Step started playing');
    // The focus outline contrasts 3:1 with what surrounds it, in the header and in a panel.
    const luminance = (rgb) => {
      const [r, g, b] = rgb
        .match(/\d+(\.\d+)?/g)
        .slice(0, 3)
        .map((v) => {
          const c = Number(v) / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const id of ['step', 'regenerate']) {
      await page.focus(`#${id}`);
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const { outline, background, visible } = await page.evaluate((id) => {
        const el = document.getElementById(id);
        let bg = el.parentElement;
        while (getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)') bg = bg.parentElement;
        return {
          outline: getComputedStyle(el).outlineColor,
          background: getComputedStyle(bg).backgroundColor,
          visible: el.matches(':focus-visible') && getComputedStyle(el).outlineStyle !== 'none',
        };
      }, id);
      const [hi, lo] = [luminance(outline), luminance(background)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      expect(visible, `#${id} shows no focus outline`);
      expect(
        ratio >= 3,
        `#${id}: focus outline ${outline} on ${background} has contrast ${ratio.toFixed(2)}`,
      );
    }
  });
  await test('issue 17 (weight editing): clicking a link opens the editor while the network trains', async () => {
    await page.goto(`${BASE}#dataset=spiral&layers=8,8,8`);
    await page.reload();
    await firstUpdate();
    await page.click('#play');
    let opened = 0;
    const onDialog = (dialog) => {
      opened++;
      dialog.dismiss();
    };
    page.on('dialog', onDialog);
    const link = page.locator('#network line').nth(5);
    for (let i = 0; i < 5; i++) await link.click({ force: true });
    page.off('dialog', onDialog);
    await page.click('#play'); // pause
    expect(opened === 5, `${opened} of 5 clicks opened the weight editor`);
  });
  // Issue 17 "Beyond TF Playground" 2, 3 and 5: the extra views (separate pages of the same app).
  await test('issue 17 views: optimizer paths — SGD and Adam head for the bowl minimum and their printed loss falls; a click sets the start', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    errors.length = 0;
    await page.goto(`${BASE}optimizers.html`);
    await page.waitForFunction(() => window.optimizerPaths?.paths().length === 6);
    expect(
      (await page.evaluate(() => window.optimizerPaths.surface())) === 'bowl',
      'the bowl is not the first surface',
    );
    const printed = (id) => page.locator(`#loss-${id}`).textContent().then(Number);
    const before = { sgd: await printed('sgd'), adam: await printed('adam') };
    await page.click('#play');
    await page.waitForFunction(() => window.optimizerPaths.steps() >= 60, null, { timeout: 30_000 });
    await page.click('#play'); // pause
    const paths = await page.evaluate(() => window.optimizerPaths.paths());
    for (const id of ['sgd', 'adam']) {
      const { points, diverged } = paths.find((p) => p.id === id);
      const distance = ([x, y]) => Math.hypot(x, y); // the minimum is (0, 0)
      expect(!diverged, `${id} diverged on the bowl`);
      expect(
        distance(points.at(-1)) < 0.2 * distance(points[0]),
        `${id} went from (${points[0]}) to (${points.at(-1)}), not towards (0, 0)`,
      );
      const after = await printed(id);
      expect(after < before[id] / 10, `${id}'s printed loss went from ${before[id]} to ${after}`);
    }
    await page.screenshot({ path: join(artifacts, 'optimizers.png') });
    // Clicking a quarter of the way in from the top left starts every path at (−2.5, 2.5).
    const box = await page.locator('#contour').boundingBox();
    await page.mouse.click(box.x + box.width / 4, box.y + box.height / 4);
    const starts = await page.evaluate(() => window.optimizerPaths.paths().map((p) => p.points[0]));
    expect(
      starts.every(([x, y]) => Math.abs(x + 2.5) < 0.1 && Math.abs(y - 2.5) < 0.1),
      `paths start at ${JSON.stringify(starts)} after clicking (−2.5, 2.5)`,
    );
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });
  await test('issue 17 views: activation explorer — relu′ = 1 for x > 0 (autograd); at depth 8 sigmoid gives smaller first-layer gradient norms than relu', async () => {
    errors.length = 0;
    await page.goto(`${BASE}activations.html#depth=8&activation=sigmoid`);
    await page.waitForFunction(() => window.activationExplorer?.curve('relu'));
    const relu = await page.evaluate(() => {
      const c = window.activationExplorer.curve('relu');
      return { x: Array.from(c.x), dy: Array.from(c.dy) };
    });
    const positive = relu.dy.filter((_, i) => relu.x[i] > 0);
    const negative = relu.dy.filter((_, i) => relu.x[i] < 0);
    expect(positive.length > 50 && positive.every((d) => d === 1), `relu′ for x > 0: ${positive}`);
    expect(
      negative.every((d) => d === 0),
      `relu′ for x < 0: ${negative}`,
    );
    const cards = await page.locator('canvas[data-activation]').count();
    expect(cards >= 12, `only ${cards} activations plotted`);

    const firstLayer = async () => {
      await page.waitForFunction(() => window.activationExplorer.done(), null, { timeout: 60_000 });
      const norms = await page.evaluate(() => window.activationExplorer.norms());
      expect(norms[0].length === 9, `depth 8 should have 9 weight layers, got ${norms[0].length}`);
      return norms.map((n) => n[0]);
    };
    const sigmoid = await firstLayer();
    const reason = await page.locator('#explanation').getAttribute('data-reason');
    expect(
      reason !== 'none' && (await page.locator('#explanation').isVisible()),
      'no explanation of the collapse',
    );
    await page.screenshot({ path: join(artifacts, 'activations.png'), fullPage: true });
    await page.selectOption('#deep-activation', 'relu');
    const relus = await firstLayer();
    expect(
      Math.max(...sigmoid) < Math.min(...relus),
      `first-layer norms: sigmoid up to ${Math.max(...sigmoid)}, relu down to ${Math.min(...relus)}`,
    );
    expect(
      await page.locator('#explanation').isHidden(),
      'relu at depth 8 should not be explained as collapsed',
    );
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });
  await test('issue 17 views: every lesson link opens the playground with its settings applied', async () => {
    errors.length = 0;
    await page.goto(`${BASE}lessons.html`);
    await page.screenshot({ path: join(artifacts, 'lessons.png'), fullPage: true });
    const links = await page
      .locator('a[data-settings]')
      .evaluateAll((as) => as.map((a) => ({ href: a.href, settings: JSON.parse(a.dataset.settings) })));
    expect(links.length === 12, `expected 2 links for each of 6 lessons, found ${links.length}`);
    for (const { href, settings } of links) {
      await page.goto(href);
      await page.reload();
      await firstUpdate();
      const state = await page.evaluate(() => window.playground.state());
      for (const [key, value] of Object.entries(settings))
        expect(
          JSON.stringify(state[key]) === JSON.stringify(value),
          `${href}: ${key} is ${JSON.stringify(state[key])}, the lesson wants ${JSON.stringify(value)}`,
        );
    }
    expect(errors.length === 0, `console errors: ${errors.join('\n')}`);
  });
});
