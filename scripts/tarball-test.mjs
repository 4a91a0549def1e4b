// The new-user path, from packed tarballs (issue 16): packs every published package (run after the
// build), installs the tarballs with npm into a fresh project in a temporary folder, and there
//   1. trains a tiny model with the README's API under Node, and under Deno when it is installed;
//   2. checks that require() of every package says it is an ES module only and to use import();
//   3. type-checks user code against the installed declarations with a browser tsconfig (DOM, no
//      @types/node, noUncheckedIndexedAccess, skipLibCheck off): Symbol.dispose, tuple batches;
//   4. bundles a page with Vite and checks that each wasm build is a chunk of its own, fetched only
//      by the runtime that uses it, not inlined into the entry chunk.
// Usage: node scripts/tarball-test.mjs [--keep]   (--keep leaves the temporary folder for a look)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'myelin-tarballs-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const started = Date.now();
let passed = 0;
let failures = 0;

function step(name) {
  console.log(`\n--- tarball test: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function check(ok, message) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (ok) passed++;
  else failures++;
}

/** Runs a command; returns its status and output instead of throwing. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
  return { status: result.status, out: `${result.stdout ?? ''}${result.stderr ?? ''}`, error: result.error };
}

function write(path, text) {
  writeFileSync(join(app, path), text);
}

try {
  step('pack');
  const packages = readdirSync(join(root, 'packages'))
    .map((dir) => join(root, 'packages', dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .filter((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true);
  for (const dir of packages) {
    if (!existsSync(join(dir, 'dist/index.js'))) throw new Error(`${dir} has no dist/: build first`);
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'ignore' });
  }
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  for (const f of files) console.log(`${f.split('/').pop()}: ${(statSync(f).size / 1024).toFixed(0)} KB`);
  const names = packages.map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name);

  step('install into a fresh project (npm)');
  execFileSync('mkdir', ['-p', app]);
  write(
    'package.json',
    `${JSON.stringify({ name: 'myelin-tarball-test', private: true, type: 'module' })}\n`,
  );
  // --prefer-offline: the cache when it has a package, the registry otherwise (protobufjs, for onnx).
  const install = run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...files],
    { cwd: app },
  );
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.out}`);
  const installed = names.filter((name) => existsSync(join(app, 'node_modules', name, 'package.json')));
  check(installed.length === names.length, `installed ${installed.join(', ')}`);
  // A second copy of @myelin/tensor would break instanceof checks: it must be a peer, installed once.
  const copies = run('npm', ['ls', '@myelin/tensor', '--all', '--parseable'], { cwd: app })
    .out.split('\n')
    .filter((line) => line.endsWith('@myelin/tensor'));
  check(new Set(copies).size === 1, `one copy of @myelin/tensor (found ${new Set(copies).size})`);

  step('train a tiny model');
  write(
    'train.mjs',
    `import { DataLoader, TensorDataset } from '@myelin/data';
import { crossEntropy, evaluate, fit, Linear, ReLU, saveModule, Sequential } from '@myelin/nn';
import { exportOnnx } from '@myelin/onnx';
import { Adam } from '@myelin/optim';
import { getNumThreads, manualSeed, memory, tensor } from '@myelin/tensor';

manualSeed(0);
// XOR, as two classes.
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([0, 1, 1, 0], { dtype: 'int32' });
const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
const history = await fit(model, loader, {
  optimizer: new Adam(model.parameters(), { lr: 0.05 }),
  loss: crossEntropy,
  epochs: 150,
  verbose: 0,
});
const { accuracy } = evaluate(model, [x, y], { loss: crossEntropy, metrics: ['accuracy'] });
const bytes = saveModule(model).length + exportOnnx(model, x).length;
console.log(JSON.stringify({ stopReason: history.stopReason, accuracy, bytes, tensors: memory().tensors, threads: getNumThreads() }));
`,
  );
  const expectTrained = (runtime, result) => {
    const line = result.out.trim().split('\n').pop() ?? '';
    let report;
    try {
      report = JSON.parse(line);
    } catch {
      report = undefined;
    }
    check(
      result.status === 0 && report?.accuracy === 1 && report.bytes > 0,
      `${runtime}: trains XOR to accuracy 1 and exits (${result.error?.message ?? line})`,
    );
    // Threads are on by default (every core, up to 4) in Node and Deno.
    const cores = Math.min(4, availableParallelism());
    check(
      report?.threads === cores,
      `${runtime}: runs on ${cores} threads by default (got ${report?.threads})`,
    );
    if (report === undefined) console.log(result.out);
  };
  const defaults = { ...process.env };
  delete defaults.MYELIN_THREADS; // the default is what a new user gets
  expectTrained('node', run('node', ['train.mjs'], { cwd: app, env: defaults, timeout: 60_000 }));
  const deno = join(root, 'node_modules/.bin/deno');
  if (existsSync(deno)) {
    const env = { ...defaults, DENO_NO_UPDATE_CHECK: '1' };
    expectTrained('deno', run(deno, ['run', '-A', 'train.mjs'], { cwd: app, env, timeout: 60_000 }));
  } else {
    console.log('skip deno: not installed');
  }

  step('require() says the packages are ES modules only');
  write(
    'require.cjs',
    `for (const name of ${JSON.stringify(names)}) {
  try {
    require(name);
    console.log(name + ': loaded');
  } catch (error) {
    console.log(name + ': ' + error.message);
  }
}
`,
  );
  const required = run('node', ['require.cjs'], { cwd: app }).out.trim().split('\n');
  for (const name of names) {
    const line = required.find((l) => l.startsWith(`${name}: `)) ?? `${name}: (no output)`;
    check(
      line.includes(`${name} is an ES module only`) && line.includes(`await import('${name}')`),
      `require('${name}') → ${line.slice(name.length + 2, name.length + 80)}…`,
    );
  }

  step('type-check user code with a browser tsconfig');
  write(
    'tsconfig.json',
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          noUncheckedIndexedAccess: true,
          types: [],
          skipLibCheck: false,
          noEmit: true,
        },
        include: ['typed.ts'],
      },
      null,
      2,
    )}\n`,
  );
  write(
    'typed.ts',
    `import { DataLoader, TensorDataset } from '@myelin/data';
import { Linear } from '@myelin/nn';
import { SGD } from '@myelin/optim';
import { randn, type Tensor } from '@myelin/tensor';

const x = randn([8, 3]);
const model = new Linear(3, 1);
const optimizer = new SGD(model.parameters(), { lr: 0.1 });
for (const [xb, yb] of new DataLoader(new TensorDataset(x, randn([8, 1])), { batchSize: 4 })) {
  const loss: Tensor = model.forward(xb).sub(yb).square().mean(); // no \`!\`: batches are tuples
  loss.backward();
  optimizer.step();
}
x[Symbol.dispose]();
`,
  );
  const tsc = run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: app,
  });
  check(tsc.status === 0, `tsc (lib ES2022 + DOM, no @types/node) ${tsc.status === 0 ? 'passes' : tsc.out}`);

  step('bundle a page with Vite');
  write(
    'index.html',
    `<!doctype html>
<script type="module">
  import { tensor } from '@myelin/tensor';
  document.body.textContent = tensor([1, 2, 3]).sum().item();
</script>
`,
  );
  const vite = run(
    'node',
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], // default target
    { cwd: app },
  );
  check(vite.status === 0, `vite build ${vite.status === 0 ? 'passes' : vite.out}`);
  if (vite.status === 0) {
    const assets = readdirSync(join(app, 'dist/assets'));
    const size = (f) => statSync(join(app, 'dist/assets', f)).size;
    for (const f of assets) console.log(`dist/assets/${f}: ${(size(f) / 1024).toFixed(1)} KB`);
    const builds = ['simd', 'relaxed', 'simd-threads', 'relaxed-threads'];
    for (const build of builds) {
      const chunks = assets.filter((f) => new RegExp(`^wasm-${build}-[\\w-]{8}\\.js$`).test(f));
      check(chunks.length === 1, `the ${build} build is a chunk of its own (${chunks.join(', ')})`);
    }
    // A wasm module starts with "\0asm", which is "AGFzbQ" in base64: the entry must hold no build.
    const entry = assets.filter((f) => f.startsWith('index-') && f.endsWith('.js'));
    const inlined = entry.filter((f) => readFileSync(join(app, 'dist/assets', f), 'utf8').includes('AGFzbQ'));
    check(entry.length === 1 && inlined.length === 0, `the entry chunk ${entry} inlines no wasm build`);
  }
} catch (error) {
  console.error(error);
  failures++;
} finally {
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\ntarball test, ${seconds} s:`);
// The format scripts/test-all.sh adds up.
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
