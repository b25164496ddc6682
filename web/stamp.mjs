// Writes api/playground/build.json: a hash of web/'s sources and lock file, so a Python test (which needs
// no Node) notices when web/ changed without `npm run build`. tests/test_playground.py computes the same
// hash the same way: every file under web/ except node_modules/ and dotfiles, sorted by path, each as
// "<path>\0<bytes>\0".
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('.', import.meta.url));
const out = join(web, '..', 'api', 'playground', 'build.json');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [relative(web, path).split(sep).join('/')];
  });
}

const hash = createHash('sha256');
// Sort by UTF-8 bytes, as Python's sorted() on str does for these ASCII names.
for (const path of files(web).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
  hash.update(path + '\0');
  hash.update(readFileSync(join(web, path)));
  hash.update('\0');
}
const lock = JSON.parse(readFileSync(join(web, 'package-lock.json'), 'utf8'));
const version = (name) => lock.packages[`node_modules/${name}`]?.version ?? null;
const stamp = {
  sources: hash.digest('hex'),
  graphiql: version('graphiql'),
  explorer: version('@graphiql/plugin-explorer'),
  react: version('react'),
};
writeFileSync(out, JSON.stringify(stamp, null, 2) + '\n');
console.log(`wrote ${relative(join(web, '..'), out)}: ${stamp.sources.slice(0, 12)}…`);
