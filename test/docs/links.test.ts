import * as fs from 'node:fs';
import * as path from 'node:path';
import { anchors, documentationFiles, links, ROOT, slug } from './markdown';

const files = documentationFiles();
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Why a relative link of `file` does not resolve, or undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const resolved =
    pathPart === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(pathPart));
  if (!resolved.startsWith(ROOT + path.sep)) return 'points outside the repository';
  if (!fs.existsSync(resolved)) return `${path.relative(ROOT, resolved)} does not exist`;
  if (anchor === undefined) return undefined;
  if (!resolved.endsWith('.md')) return `has an anchor, but ${path.relative(ROOT, resolved)} is not Markdown`;
  return anchors(fs.readFileSync(resolved, 'utf8')).has(anchor) ? undefined : `${path.relative(ROOT, resolved)} has no heading #${anchor}`;
}

describe('links in the README and docs/', () => {
  test.each(files)('every relative link of %s resolves to a file, and its anchor to a heading', (file) => {
    const broken = links(read(file))
      .filter((link) => !/^[a-z][a-z+.-]*:/i.test(link.target))
      .flatMap((link) => {
        const why = brokenLink(file, link.target);
        return why ? [`${file}:${link.line}: (${link.target}) ${why}`] : [];
      });
    expect(broken).toEqual([]);
  });

  test('the README links to every page of docs/ and to the API reference', () => {
    const targets = links(read('README.md')).map((link) => link.target.split('#')[0]);
    const pages = files.filter((file) => file !== 'README.md');
    expect(pages.filter((page) => !targets.includes(page))).toEqual([]);
    expect(targets).toContain('docs/api/README.md');
  });

  test('every page of docs/ starts with a title and an introduction', () => {
    for (const file of files.filter((f) => f !== 'README.md')) {
      const [title, blank, ...rest] = read(file).split('\n');
      expect([file, title.startsWith('# ')]).toEqual([file, true]);
      expect([file, blank]).toEqual([file, '']);
      const intro = rest.find((line) => line.trim() !== '' && !line.startsWith('<!--'));
      expect([file, intro !== undefined && !/^[#|`]/.test(intro)]).toEqual([file, true]);
    }
  });
});

describe('the link checker', () => {
  test('finds anchors as GitHub writes them, repeats numbered, code in headings kept', () => {
    const text =
      '# Exceptions: who may grant them\n## Self-managed: `dist/control-plane/`\n## A\n## A\n```sh\n# not a heading\n```\n<a id="here"></a>';
    expect([...anchors(text)]).toEqual(['exceptions-who-may-grant-them', 'self-managed-distcontrol-plane', 'a', 'a-1', 'here']);
    expect(slug('Review: the `secrets` pack')).toBe('review-the-secrets-pack');
  });

  test('reports a missing file and a missing anchor, and ignores links in code', () => {
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toBe('docs/no-such-page.md does not exist');
    expect(brokenLink('README.md', '#no-such-heading')).toBe('README.md has no heading #no-such-heading');
    expect(brokenLink('README.md', '../outside.md')).toBe('points outside the repository');
    expect(links('see `[a](nowhere.md)` and\n```md\n[b](nowhere.md)\n```\n[c](here.md)')).toEqual([{ line: 5, target: 'here.md' }]);
  });
});
