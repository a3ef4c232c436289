// Bundles the console into dist/: index.html and assets/ with content-hashed names, which the API serves at /console.
// The API's build runs this (Provenance.Api.csproj, target BundleConsole); `npm run build` does the same by hand.
// Libraries that only some pages need are imported with import(), so esbuild splits them into chunks loaded on
// demand and the first load stays small; the build fails if the first load is over its budget.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FirstLoadBudget = 400 * 1024; // gzipped bytes of the JavaScript and CSS the first page loads

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
const result = await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  outdir: 'dist/assets',
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = result.metafile.outputs;
const [entry] = Object.entries(outputs).filter(([, o]) => o.entryPoint === 'src/main.ts');
const script = entry[0];
const style = entry[1].cssBundle;

// The first load: the entry, what it imports statically, and its stylesheet.
const firstLoad = new Set();
const visit = (file) => {
  if (firstLoad.has(file)) return;
  firstLoad.add(file);
  for (const i of outputs[file].imports) if (i.kind === 'import-statement') visit(i.path);
};
visit(script);
if (style) firstLoad.add(style);
const gzipped = [...firstLoad].reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
if (gzipped > FirstLoadBudget) {
  console.error(`the console's first load is ${gzipped} bytes gzipped; the budget is ${FirstLoadBudget}. Load the library with import().`);
  process.exit(1);
}

const relative = (file) => path.relative('dist', file).split(path.sep).join('/');
const html = readFileSync('src/index.html', 'utf8')
  .replace('{{script}}', relative(script))
  .replace('{{style}}', style ? relative(style) : '');
writeFileSync('dist/index.html', html);
writeFileSync('dist/first-load.json', JSON.stringify({ files: [...firstLoad].map(relative), gzippedBytes: gzipped }, null, 2) + '\n');
console.log(`console bundled: first load ${(gzipped / 1024).toFixed(1)} KiB gzipped (${[...firstLoad].map(relative).join(', ')})`);
