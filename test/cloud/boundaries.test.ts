import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * cdktf stays in lib/cloud: cdk8s users never load it (it is not in the main index), and the
 * prebuilt providers are imported per resource (`@cdktf/provider-aws/lib/eks-cluster`), never
 * through their root index, which costs seconds and hundreds of MB to compile and load.
 */
const LIB = path.resolve(__dirname, '../../lib');
const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
const importsOf = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => m[1]);
const inCloud = (file: string) => file.startsWith(path.join(LIB, 'cloud') + path.sep);

test.each(
  files(LIB)
    .filter((f) => !inCloud(f))
    .map((f) => [path.relative(LIB, f), f]),
)('%s does not import cdktf', (_name, file) => {
  expect(importsOf(file).filter((spec) => /^(cdktf|@cdktf\/)/.test(spec) || /(^|\/)cloud(\/|$)/.test(spec))).toEqual([]);
});

test.each(files(path.join(LIB, 'cloud')).map((f) => [path.relative(LIB, f), f]))(
  '%s imports providers per resource, and nothing of the cdk8s side',
  (_name, file) => {
    const imports = importsOf(file);
    expect(
      imports.filter((spec) => spec.startsWith('@cdktf/provider-') && !/^@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+$/.test(spec)),
    ).toEqual([]);
    expect(imports.filter((spec) => spec.startsWith('..') || /^(cdk8s|cdk8s-plus-\d+)$/.test(spec))).toEqual([]);
  },
);
