// Regenerates data/genesis.txt.gz from Debian's sword-text-web package (the World English Bible,
// public domain): `apt-get install diatheke sword-text-web`, then `node scripts/extract-genesis.mjs`.
// Not part of the build: the output is committed. Kept so that the bundled text can be checked.
//   - one verse per line, without verse numbers; "Chapter N" and a blank line before each chapter
//   - the translators' footnotes (rendered by diatheke as "[1:1 …]") are left out
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const raw = execFileSync('diatheke', ['-b', 'engWEB2015eb', '-f', 'plain', '-o', 'f', '-k', 'Genesis'], {
  encoding: 'utf8',
  maxBuffer: 1 << 24,
});
let text = '';
let chapter = 0;
for (const line of raw.split('\n')) {
  const match = /^Genesis (\d+):(\d+): (.*)$/.exec(line);
  if (!match) continue;
  const verse = match[3]
    .replace(/ ?\[\d+:\d+ [^\]]*\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (Number(match[1]) !== chapter) {
    text += `${chapter ? '\n' : ''}Chapter ${match[1]}\n\n`;
    chapter = Number(match[1]);
  }
  text += `${verse}\n`;
}
await writeFile(join(root, 'data/genesis.txt.gz'), gzipSync(text, { level: 9 }));
console.log(`data/genesis.txt.gz: ${text.length} characters, ${chapter} chapters`);
