/**
 * A grammar of manifest files (streams) that mixes benign Kubernetes objects (Pods,
 * Deployments, ConfigMaps with the security fields the review judges) with hostile YAML:
 * separators kubectl and YAML split differently, directives, tags of every form, anchors and
 * aliases, merge keys, block and flow scalars holding separators, byte order marks and
 * UTF-16, duplicate keys, lists and `items` where they do not belong, documents that are not
 * objects. Each hostile feature is a named production (`HOSTILE_PRODUCTIONS`) chosen at its
 * decision points with a weight, so combinations occur; a stream records the productions it
 * used, and one that used none is benign (a quarter of the streams are generated benign).
 *
 * Used by kubectl-fuzz.test.ts, where kubectl's own reading (test/peers/kubectl-yaml) judges
 * what the review reads. Seeded: `generateStream(seed, index)` is the same stream every time.
 */
import { seededRandom } from '../support';

/** How a stream's text becomes the file's bytes. */
export type Encoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

/** One generated manifest file. */
export interface GeneratedStream {
  readonly text: string;
  readonly encoding: Encoding;
  /** The hostile productions it used, sorted; empty for a benign stream. */
  readonly productions: readonly Production[];
}

/** Every hostile production of the grammar. */
export const HOSTILE_PRODUCTIONS = [
  // document separators and markers
  'sep-comment',
  'sep-comment-nospace',
  'sep-trailing-space',
  'sep-unicode-space',
  'sep-text',
  'sep-indented',
  'end-marker',
  'end-marker-no-start',
  'sep-in-block-scalar',
  'sep-in-multiline-scalar',
  'crlf',
  'crlf-mixed',
  // directives
  'directive-yaml',
  'directive-tag',
  // tags
  'tag-core-scalar',
  'tag-core-collection',
  'tag-nonspecific',
  'tag-local',
  'tag-verbatim',
  'tag-custom-handle',
  'tag-on-key',
  // anchors and aliases
  'anchor-alias-value',
  'alias-key',
  'alias-key-merge',
  'anchor-on-document',
  'anchor-redefined',
  // merge keys
  'merge-plain',
  'merge-list',
  'merge-nested',
  'merge-override',
  'merge-tagged',
  'merge-quoted',
  'merge-non-mapping',
  // scalars and collections
  'block-scalar',
  'flow-collection',
  'flow-multiline',
  'flow-trailing-comma',
  'flow-glued',
  'yaml11-scalar',
  'multiline-scalar',
  // JSON
  'json-document',
  'json-then-yaml',
  'stream-starts-with-brace',
  // bytes
  'bom-utf8',
  'bom-text',
  'bom-mid-stream',
  'utf16le',
  'utf16be',
  'tabs',
  // keys
  'duplicate-key',
  'duplicate-key-quoted',
  'key-non-string',
  // lists
  'list-kind',
  'list-typed',
  'list-null-item',
  'list-item-no-kind',
  'list-nested',
  'list-items-odd',
  'items-on-kind',
  // documents that are not (good) objects
  'no-kind',
  'no-api-version',
  'odd-api-version',
  'metadata-non-string',
  'top-scalar',
  'top-sequence',
  'empty-document',
  'comment-document',
  'null-document',
] as const;

export type Production = (typeof HOSTILE_PRODUCTIONS)[number];

/** The file's bytes, as `kubectl create -f` would read them from disk. */
export function bytesOf(stream: Pick<GeneratedStream, 'text' | 'encoding'>): Buffer {
  switch (stream.encoding) {
    case 'utf8':
      return Buffer.from(stream.text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(stream.text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(stream.text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(stream.text, 'utf16le').swap16()]);
  }
}

/** The stream number `index` of the run seeded with `seed` (each case reproducible alone). */
export function generateStream(seed: number, index: number): GeneratedStream {
  const { random } = seededRandom((seed * 7919 + index * 104729 + 17) % 2 ** 31);
  // A quarter benign; the others use hostile productions at one of several rates.
  const rate = random() < 0.25 ? 0 : [0.06, 0.15, 0.3, 0.5][Math.floor(random() * 4)];
  return new Grammar(random, rate).stream();
}

/** A YAML node before it is written: the text that carries it, and how it is laid out. */
type Node =
  | { readonly t: 'scalar'; readonly text: string; readonly props?: string }
  | { readonly t: 'block'; readonly header: string; readonly lines: readonly Line[]; readonly props?: string }
  | { readonly t: 'map'; readonly entries: readonly Entry[]; readonly flow?: Flow; readonly props?: string }
  | { readonly t: 'seq'; readonly items: readonly Node[]; readonly flow?: Flow; readonly props?: string };

type Flow = 'inline' | 'multiline';
/** A key as written (quotes, tags, aliases included) and its value. */
interface Entry {
  readonly key: string;
  readonly value: Node;
}
/** A line of a block scalar's content: indented with the scalar, or (`column0`) at column 0. */
type Line = string | { readonly column0: string };

const scalar = (text: string, props?: string): Node => ({ t: 'scalar', text, props });
const map = (entries: Entry[], flow?: Flow, props?: string): Node => ({ t: 'map', entries, flow, props });
const seq = (items: Node[], flow?: Flow, props?: string): Node => ({ t: 'seq', items, flow, props });
const entry = (key: string, value: Node): Entry => ({ key, value });

/** What one document has defined so far: anchors of mappings and of scalars, by name. */
interface DocumentState {
  readonly maps: string[];
  readonly scalars: string[];
  /** Anchors of a `<<` scalar (for an alias key that stands for a merge key). */
  readonly mergeKeys: string[];
  /** Scalars anchored with a key name (for an alias key that stands for that key). */
  readonly keyNames: string[];
  /** Uses the `!e!` handle, which only a %TAG directive defines. */
  customHandle: boolean;
}

const SPACES = ['\u00a0', '\u2003', '\u3000', '\u205f', '\u1680', '\u202f', '\u2009', '\u2000', '\u200a'];
const NAMES = ['web', 'api', 'worker', 'db', 'cache', 'front-end', 'job-1'];
const IMAGES = ['registry.example.com/shop/web:1.2', 'nginx@sha256:' + 'ab'.repeat(32), 'busybox:1.36'];

class Grammar {
  private readonly used = new Set<Production>();
  private anchorCount = 0;
  private doc: DocumentState = Grammar.freshState();

  constructor(
    private readonly random: () => number,
    private readonly rate: number,
  ) {}

  private static freshState(): DocumentState {
    return { maps: [], scalars: [], mergeKeys: [], keyNames: [], customHandle: false };
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  /** Whether to use hostile production `name` here (`weight` scales the stream's rate); never in a benign stream. */
  private hostile(name: Production, weight = 1): boolean {
    if (this.rate === 0 || this.random() >= Math.min(1, this.rate * weight)) return false;
    this.used.add(name);
    return true;
  }

  /** A fresh anchor name (sometimes one used before in the document: a redefined anchor). */
  private anchor(pool: string[]): string {
    const existing = [...this.doc.maps, ...this.doc.scalars];
    if (existing.length > 0 && this.hostile('anchor-redefined', 0.2)) return this.pick(existing);
    const name = `${this.pick(['a', 'base', 'x', 'sc', 'k'])}${++this.anchorCount}`;
    pool.push(name);
    return name;
  }

  // ---------------------------------------------------------------- the stream

  stream(): GeneratedStream {
    const chunks: string[] = [];
    const count = this.pick([1, 1, 2, 2, 3, 4]);
    let encoding: Encoding = 'utf8';
    let prefix = '';
    if (this.hostile('bom-utf8', 0.08)) encoding = 'utf8-bom';
    else if (this.hostile('utf16le', 0.06)) encoding = 'utf16le';
    else if (this.hostile('utf16be', 0.06)) encoding = 'utf16be';
    else if (this.hostile('bom-text', 0.06)) prefix = '\ufeff';
    let previousEnded = false;
    for (let i = 0; i < count; i++) {
      this.doc = Grammar.freshState();
      const body = this.document(i === 0);
      const directives: string[] = [];
      if (this.doc.customHandle) directives.push('%TAG !e! tag:example.com,2000:app/');
      if (this.hostile('directive-yaml', 0.1)) directives.push(this.pick(['%YAML 1.1', '%YAML 1.2', '%YAML 1.1 # version']));
      if (this.hostile('directive-tag', 0.08))
        directives.push(this.pick(['%TAG ! tag:example.com,2000:', '%TAG !! tag:example.com,2000:', '%TAG !x! tag:yaml.org,2002:']));
      const lines: string[] = [...directives];
      if (i === 0) {
        if (directives.length > 0 || this.chance(0.3)) lines.push(this.separator());
      } else if (previousEnded && directives.length === 0 && this.hostile('end-marker-no-start', 0.4)) {
        // a document after `...` without its own ---
      } else {
        lines.push(this.separator());
      }
      if (i > 0 && this.hostile('bom-mid-stream', 0.03)) lines.push('\ufeff' + (body.shift() ?? ''));
      lines.push(...body);
      previousEnded = this.hostile('end-marker', 0.12);
      if (previousEnded) lines.push(this.pick(['...', '... # end', '...   ']));
      chunks.push(lines.join('\n'));
    }
    let text = prefix + chunks.join('\n') + (this.chance(0.9) ? '\n' : '');
    if (this.hostile('crlf', 0.1)) text = text.replace(/\n/g, '\r\n');
    else if (this.hostile('crlf-mixed', 0.06)) text = text.replace(/\n/g, () => (this.chance(0.5) ? '\r\n' : '\n'));
    return { text, encoding, productions: [...this.used].sort() };
  }

  /** A --- line (benign, or one of the forms kubectl's line splitter and YAML disagree on). */
  private separator(): string {
    if (this.hostile('sep-comment', 0.15)) return this.pick(['--- # next', '---   # next object', '---\t# tab then comment']);
    if (this.hostile('sep-comment-nospace', 0.12)) return this.pick(['---#next', '---#', '---#---']);
    if (this.hostile('sep-trailing-space', 0.12)) return '---' + this.pick(['  ', '\t', ' \t ', '   ']);
    if (this.hostile('sep-unicode-space', 0.12)) return '---' + this.pick(['', ' ']) + this.pick(SPACES) + this.pick(['', '# c', ' x']);
    if (this.hostile('sep-text', 0.08))
      return this.pick(['--- |', '--- >', '--- text', '--- {a: 1}', '--- !!map', '--- &doc', '----', '--- [x]']);
    if (this.hostile('sep-indented', 0.04)) return ' ---';
    return '---';
  }

  // ---------------------------------------------------------------- documents

  /** The lines of one document (without its separator). */
  private document(first: boolean): string[] {
    if (this.hostile('empty-document', 0.06)) return [];
    if (this.hostile('comment-document', 0.06)) return ['# nothing here', '#   ---'];
    if (this.hostile('null-document', 0.04)) return [this.pick(['null', '~', 'Null', '!!null'])];
    if (this.hostile('top-scalar', 0.04)) return [this.pick(['just text', '42', 'true', '"a: b"', 'kind: '])];
    if (this.hostile('top-sequence', 0.04)) return this.write(seq([this.object(), scalar('x')]), 0);
    if (first && this.hostile('stream-starts-with-brace', 0.12)) return this.jsonDocument(false);
    if (this.hostile('json-document', 0.12)) return this.jsonDocument(this.hostile('json-then-yaml', 0.6));
    let value = this.rate > 0 && this.chance(0.2) ? this.list() : this.object();
    if (value.t === 'map' && !value.flow && !value.props && this.hostile('anchor-on-document', 0.08)) {
      // Properties on a line of their own before the root mapping.
      value = { ...value, props: this.pick([`&${this.anchor(this.doc.maps)}`, '!!map', `&${this.anchor(this.doc.maps)} !!map`]) };
    }
    return this.write(value, 0);
  }

  /** A document in JSON (one object, maybe pretty), and maybe YAML right after it without a separator. */
  private jsonDocument(yamlAfter: boolean): string[] {
    const object = this.jsonObject();
    let text = this.chance(0.5) ? JSON.stringify(object) : JSON.stringify(object, null, 2);
    if (this.hostile('duplicate-key', 0.3)) text = text.replace('"kind"', '"kind": "Secret", "kind"');
    const lines = text.split('\n');
    if (yamlAfter) lines.push(...this.write(this.object(), 0));
    else if (this.chance(0.2)) lines.push(this.pick(['{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "second"}}', '   ']));
    return lines;
  }

  private jsonObject(): Record<string, unknown> {
    const privileged = this.chance(0.5);
    return this.pick([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: this.pick(NAMES) }, data: { a: 'yes', b: '0o17' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: this.pick(NAMES) },
        spec: {
          hostPID: privileged,
          containers: [{ name: 'main', image: this.pick(IMAGES), securityContext: { privileged, runAsUser: this.int(0, 2000) } }],
        },
      },
      { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'in-list' } }] },
    ]);
  }

  // ---------------------------------------------------------------- objects

  /** A Kubernetes object (benign shape), decorated with hostile productions. */
  private object(kind = this.pick(['Pod', 'Deployment', 'ConfigMap', 'ConfigMap'])): Node {
    const entries: Entry[] = [];
    const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
    if (!this.hostile('no-api-version', 0.05)) {
      entries.push(
        entry(
          'apiVersion',
          this.hostile('odd-api-version', 0.06)
            ? scalar(this.pick(['apps/v1/x', '5', '""', '/v1', 'v1/', '[v1]']))
            : this.string(apiVersion),
        ),
      );
    }
    if (!this.hostile('no-kind', 0.05)) {
      entries.push(entry('kind', this.hostile('odd-api-version', 0.03) ? scalar(this.pick(['""', '5', 'true'])) : this.string(kind)));
    }
    entries.push(entry('metadata', this.metadata()));
    if (kind === 'ConfigMap') entries.push(entry('data', this.data()));
    else if (kind === 'Pod') entries.push(entry('spec', this.podSpec()));
    else {
      const app = this.pick(NAMES);
      entries.push(
        entry(
          'spec',
          this.mapping([
            entry('replicas', this.int32()),
            entry('selector', map([entry('matchLabels', map([entry('app', this.string(app))]))])),
            entry(
              'template',
              this.mapping([
                entry('metadata', map([entry('labels', map([entry('app', this.string(app))]))])),
                entry('spec', this.podSpec()),
              ]),
            ),
          ]),
        ),
      );
    }
    if (this.hostile('items-on-kind', 0.1)) {
      entries.splice(
        this.int(0, entries.length),
        0,
        entry(
          'items',
          this.pick([
            () => seq([], 'inline'),
            () => scalar(this.pick(['null', '~', ''])),
            () => map([], 'inline'),
            () => scalar('"x"'),
            () => seq([this.object('ConfigMap')]),
            () => seq([scalar('null')]),
            () => seq([map([entry('metadata', map([entry('name', scalar('item'))]))])]),
          ])(),
        ),
      );
    }
    return this.mapping(entries);
  }

  /** A `List` or a typed list, with odd items. */
  private list(): Node {
    const typed = this.chance(0.4);
    this.used.add(typed ? 'list-typed' : 'list-kind');
    const kind = typed ? this.pick(['PodList', 'ConfigMapList', 'DeploymentList']) : 'List';
    const itemKind = typed ? kind.replace(/List$/, '') : this.pick(['Pod', 'ConfigMap', 'Deployment']);
    const items: Node[] = [];
    for (let i = this.int(0, 3); i > 0; i--) {
      if (this.hostile('list-null-item', 0.3)) items.push(scalar(this.pick(['null', '~', '', '!!null'])));
      else if (this.hostile('list-nested', 0.15))
        items.push(map([entry('apiVersion', scalar('v1')), entry('kind', scalar('List')), entry('items', seq([this.object()]))]));
      else if (this.hostile('list-item-no-kind', 0.3)) {
        const object = this.object(itemKind) as Extract<Node, { t: 'map' }>;
        const drop = this.pick([['kind', 'apiVersion'], ['kind'], ['apiVersion']]);
        items.push({ ...object, entries: object.entries.filter((e) => !drop.includes(e.key)) });
      } else items.push(this.object(itemKind));
    }
    const entries = [entry('apiVersion', scalar(kind === 'DeploymentList' ? 'apps/v1' : 'v1')), entry('kind', scalar(kind))];
    if (this.hostile('no-api-version', 0.1)) entries.shift();
    else if (this.hostile('no-kind', 0.05)) entries.pop();
    if (this.hostile('list-items-odd', 0.15)) {
      const odd = this.pick([undefined, scalar('null'), map([], 'inline'), scalar('"x"'), seq([scalar('1')])]);
      if (odd) entries.push(entry('items', odd));
    } else {
      entries.push(entry('items', items.length === 0 ? seq([], 'inline') : this.sequence(items)));
    }
    return this.mapping(entries);
  }

  private metadata(): Node {
    const entries = [entry('name', this.string(this.pick(NAMES)))];
    if (this.chance(0.3)) entries.push(entry('namespace', this.string(this.pick(['shop', 'default', 'team-a']))));
    const labels = [entry('app', this.string(this.pick(NAMES)))];
    if (this.hostile('metadata-non-string', 0.06)) labels.push(entry('tier', scalar(this.pick(['1', 'true', 'null', '1.5', '[a]']))));
    if (this.chance(0.5)) labels.push(entry('team', this.string('shop')));
    entries.push(entry('labels', this.mapping(labels)));
    if (this.chance(0.3)) entries.push(entry('annotations', this.mapping([entry('note', this.string('reviewed'))])));
    return this.mapping(entries);
  }

  private data(): Node {
    const entries: Entry[] = [entry('setting', this.string('on'))];
    if (this.chance(0.5)) entries.push(entry('script', this.blockScalar()));
    if (this.hostile('key-non-string', 0.2))
      entries.push(entry(this.pick(['1', 'true', 'yes', '~', 'null', '0x10', '1.5', '-0', 'on']), this.string('x')));
    if (this.hostile('multiline-scalar', 0.15)) entries.push(entry('text', this.multilineScalar()));
    return this.mapping(entries);
  }

  private podSpec(): Node {
    const entries: Entry[] = [];
    if (this.chance(0.5)) entries.push(entry('hostPID', this.boolean()));
    if (this.chance(0.4)) entries.push(entry('hostNetwork', this.boolean()));
    if (this.chance(0.5))
      entries.push(entry('securityContext', this.mapping([entry('runAsNonRoot', this.boolean()), entry('runAsUser', this.int32())])));
    const containers: Node[] = [];
    for (let i = this.int(1, 2); i > 0; i--) containers.push(this.container());
    entries.push(entry('containers', this.sequence(containers)));
    return this.mapping(entries);
  }

  private container(): Node {
    const securityContext: Entry[] = [entry('privileged', this.boolean())];
    if (this.chance(0.5)) securityContext.push(entry('allowPrivilegeEscalation', this.boolean()));
    if (this.chance(0.5)) securityContext.push(entry('runAsUser', this.int32()));
    if (this.chance(0.3))
      securityContext.push(
        entry('capabilities', map([entry('add', this.sequence([this.string(this.pick(['NET_ADMIN', 'SYS_ADMIN', 'NET_BIND_SERVICE']))]))])),
      );
    return this.mapping([
      entry('name', this.string(this.pick(['main', 'sidecar']))),
      entry('image', this.string(this.pick(IMAGES))),
      entry('securityContext', this.mapping(securityContext, true)),
    ]);
  }

  // ---------------------------------------------------------------- scalars

  private boolean(): Node {
    const value = this.chance(0.5);
    return this.decorateScalar(
      String(value),
      () => this.pick(value ? ['yes', 'on', 'Y', 'True', 'TRUE', 'y'] : ['no', 'off', 'N', 'False', 'n']),
      [`!!bool ${value}`, `!!str ${value}`, `!!bool "${value}"`, `!!int ${value ? 1 : 0}`, `!!null ""`, `!!bool ${value ? 'yes' : 'no'}`],
    );
  }

  private int32(): Node {
    const value = this.pick([0, 1000, 65534, 1, 3]);
    return this.decorateScalar(
      String(value),
      () =>
        this.pick([`0o${value.toString(8)}`, `0x${value.toString(16)}`, `0${value.toString(8)}`, `+${value}`, `${value}.0`, '-0.0', '0b1']),
      [
        `!!int "${value}"`,
        `!!float ${value}`,
        `!!str ${value}`,
        `!!int 0x${value.toString(16)}`,
        `!!timestamp 2001-12-14`,
        `!!binary aGVsbG8=`,
      ],
    );
  }

  private string(value: string): Node {
    const benign = this.pick([value, value, `"${value}"`, `'${value}'`]);
    return this.decorateScalar(benign, () => `"${value.replace(/^./, (c) => `\\x${c.charCodeAt(0).toString(16)}`)}"`, [
      `!!str ${value}`,
      `!!str "${value}"`,
      `!!binary ${Buffer.from(value).toString('base64')}`,
    ]);
  }

  /** A scalar, maybe anchored, aliased, tagged in every form, or written the YAML 1.1 way. */
  private decorateScalar(benign: string, yaml11: () => string, coreTagged: readonly string[]): Node {
    if (this.doc.scalars.length > 0 && this.hostile('anchor-alias-value', 0.1)) return scalar(`*${this.pick(this.doc.scalars)}`);
    let text = benign;
    if (this.hostile('yaml11-scalar', 0.15)) text = yaml11();
    if (this.hostile('tag-core-scalar', 0.08)) text = this.pick(coreTagged);
    else if (this.hostile('tag-nonspecific', 0.05)) text = `! ${text}`;
    else if (this.hostile('tag-local', 0.05)) text = `!foo ${text}`;
    else if (this.hostile('tag-verbatim', 0.05))
      text = `${this.pick(['!<tag:yaml.org,2002:str>', '!<tag:yaml.org,2002:bool>', '!<tag:yaml.org,2002:int>', '!<!foo>'])} ${text}`;
    else if (this.hostile('tag-custom-handle', 0.03)) {
      this.doc.customHandle = true;
      text = `!e!thing ${text}`;
    }
    if (this.hostile('anchor-alias-value', 0.1)) text = `&${this.anchor(this.doc.scalars)} ${text}`;
    if (this.hostile('tabs', 0.03)) text = this.pick([`${text}\t`, `${text}\t# tab`]);
    return scalar(text);
  }

  /** A block scalar with any header, holding comments, separators and directives. */
  private blockScalar(): Node {
    const lines: Line[] = ['set -e', 'echo "# not a comment"'];
    let header = '|';
    if (this.hostile('block-scalar', 0.5)) {
      header = this.pick(['|', '>', '|-', '|+', '>-', '>+', '|2', '>2', '|-2', '|2-', '>+2']);
      lines.push(this.pick(['', 'key: value', '  indented more', '%YAML 1.1', '...', '# hash', 'privileged: true']));
      if (this.chance(0.3)) lines.push('', '');
    }
    if (this.hostile('sep-in-block-scalar', 0.3))
      lines.push(this.pick<Line>(['---', '--- # x', { column0: '---' }, { column0: '---#c' }, { column0: '--- ' }]), 'after: separator');
    return { t: 'block', header, lines };
  }

  /** A plain or quoted scalar over several lines, some of them separators. */
  private multilineScalar(): Node {
    const quote = this.pick(['"', "'", '']);
    const middle = this.pick(['---', '--- # c', '...', 'more text']);
    const separator = this.hostile('sep-in-multiline-scalar', 0.6);
    return { t: 'block', header: '', lines: [`${quote}first line`, separator ? { column0: middle } : middle, `last line${quote}`] };
  }

  // ---------------------------------------------------------------- collections

  /** A mapping decorated with merges, duplicates, alias keys, tags, anchors, flow style. */
  private mapping(base: Entry[], mergeTarget = false): Node {
    const entries = [...base];
    const at = () => this.int(0, entries.length);
    // A merge, most often where a security field can be overridden.
    // A merge, most often where a security field can be overridden; one through aliases goes
    // last, after the children that define its anchors.
    if (this.hostile('merge-plain', mergeTarget ? 0.4 : 0.12)) {
      const value = this.mergeValue(base);
      entries.splice(/\*/.test(this.write(value, 0).join('')) ? entries.length : at(), 0, entry(this.mergeKey(), value));
    }
    if (entries.length > 0 && this.hostile('duplicate-key', 0.05)) {
      const original = this.pick(entries);
      entries.splice(at(), 0, entry(original.key.replace(/^["']?/, ''), scalar(this.pick(['true', '0', 'dup']))));
    }
    if (entries.length > 0 && this.hostile('duplicate-key-quoted', 0.05)) {
      const key = this.pick(entries).key;
      if (/^[A-Za-z]+$/.test(key))
        entries.splice(
          at(),
          0,
          entry(
            this.pick([
              `"${key}"`,
              `'${key}'`,
              `"\\x${key.charCodeAt(0).toString(16)}${key.slice(1)}"`,
              `"\\u00${key.charCodeAt(0).toString(16)}${key.slice(1)}"`,
              `? ${key}\n`,
            ]),
            scalar('true'),
          ),
        );
    }
    if (this.doc.keyNames.length > 0 && this.hostile('alias-key', 0.3))
      entries.push(entry(`*${this.pick(this.doc.keyNames)}${this.pick([' ', ''])}`, scalar('true')));
    if (this.doc.mergeKeys.length > 0 && this.doc.maps.length > 0 && this.hostile('alias-key-merge', 0.5))
      entries.push(entry(`*${this.pick(this.doc.mergeKeys)} `, scalar(`*${this.pick(this.doc.maps)}`)));
    // Anchored scalars that name a key, or are `<<`, for alias keys later on.
    if (this.hostile('anchor-alias-value', 0.06))
      entries.push(
        entry('role', scalar(`&${this.anchor(this.doc.keyNames)} ${this.pick(['privileged', 'hostPID', 'runAsUser', 'name'])}`)),
      );
    if (this.hostile('anchor-alias-value', 0.06)) entries.push(entry('mergeKey', scalar(`&${this.anchor(this.doc.mergeKeys)} <<`)));
    if (entries.length > 0 && this.hostile('tag-on-key', 0.04)) {
      const i = this.int(0, entries.length - 1);
      if (/^[A-Za-z]+$/.test(entries[i].key))
        entries[i] = entry(`${this.pick(['!!str', '!', '!<tag:yaml.org,2002:str>', '!foo'])} ${entries[i].key}`, entries[i].value);
    }
    let props: string | undefined;
    if (this.hostile('tag-core-collection', 0.04)) props = this.pick(['!!map', '!!omap', '!!set', '!!seq', '!<tag:yaml.org,2002:map>']);
    else if (this.hostile('tag-local', 0.02)) props = this.pick(['!foo', '!']);
    let flow: Flow | undefined;
    if (this.hostile('flow-collection', 0.1)) flow = this.hostile('flow-multiline', 0.4) ? 'multiline' : 'inline';
    const node = map(entries, flow, props);
    if (this.hostile('anchor-alias-value', 0.15)) {
      const anchor = this.anchor(this.doc.maps);
      return { ...node, props: [`&${anchor}`, props].filter(Boolean).join(' ') };
    }
    return node;
  }

  private mergeKey(): string {
    if (this.hostile('merge-tagged', 0.3)) {
      return this.pick([
        '!!merge <<',
        '! <<',
        '!<tag:yaml.org,2002:merge> <<',
        '!!str <<',
        '! "\\x3c\\x3c"',
        '!!merge "\\u003c<"',
        "! '<<'",
        '!!merge "\\U0000003C\\x3C"',
      ]);
    }
    if (this.hostile('merge-quoted', 0.2)) return this.pick(['"<<"', "'<<'", '"\\x3c<"']);
    return '<<';
  }

  private mergeValue(overridden: readonly Entry[]): Node {
    const maps = this.doc.maps;
    const alias = () => scalar(`*${this.pick(maps)}`);
    if (maps.length > 0 && this.hostile('merge-list', 0.4))
      return seq(
        this.pick([[alias(), alias()], [alias(), map([entry('hostPID', scalar('true'))], 'inline')], [alias()]]),
        this.pick<Flow | undefined>(['inline', undefined]),
      );
    if (this.hostile('merge-non-mapping', 0.1)) return scalar(this.pick(['5', 'null', '[1, 2]', 'true', '[{a: 1}, 5]']));
    if (maps.length > 0 && this.chance(0.6)) return alias();
    // An inline mapping that overrides (or is overridden by) the keys around it.
    const keys = overridden.map((e) => e.key).filter((k) => /^[A-Za-z]+$/.test(k));
    const inner: Entry[] = [entry('privileged', scalar('true'))];
    if (keys.length > 0 && this.hostile('merge-override', 0.6))
      inner.push(entry(this.pick(keys), scalar(this.pick(['true', '0', 'merged']))));
    if (this.hostile('merge-nested', 0.3)) inner.push(entry('<<', map([entry('hostPID', scalar('true'))], 'inline')));
    return map(inner, this.pick<Flow | undefined>(['inline', undefined]));
  }

  private sequence(items: Node[]): Node {
    let flow: Flow | undefined;
    if (this.hostile('flow-collection', 0.08)) flow = this.hostile('flow-multiline', 0.4) ? 'multiline' : 'inline';
    let props: string | undefined;
    if (this.hostile('tag-core-collection', 0.03)) props = this.pick(['!!seq', '!!set', '!!omap', '!!map']);
    return seq(items, flow, props);
  }

  // ---------------------------------------------------------------- writing

  /** The lines of `node` written in block style at `indent` spaces (flow where asked). */
  private write(node: Node, indent: number): string[] {
    const pad = ' '.repeat(indent);
    switch (node.t) {
      case 'scalar':
        return [pad + [node.props, node.text].filter(Boolean).join(' ')];
      case 'block':
        return [pad + [node.props, node.header].filter(Boolean).join(' '), ...this.blockLines(node.lines, indent)];
      case 'map':
      case 'seq':
        if (node.flow || (node.t === 'map' ? node.entries.length : node.items.length) === 0) {
          return this.flowLines(node).map((line, i) => (i === 0 ? pad : pad + '  ') + line);
        }
        return [
          ...(node.props ? [pad + node.props] : []),
          ...(node.t === 'map' ? this.writeMap(node.entries, indent) : this.writeSeq(node.items, indent)),
        ];
    }
  }

  private blockLines(lines: readonly Line[], indent: number): string[] {
    const pad = ' '.repeat(indent + 2);
    return lines.map((line) => (typeof line === 'string' ? (line === '' ? '' : pad + line) : line.column0));
  }

  private writeMap(entries: readonly Entry[], indent: number): string[] {
    const pad = ' '.repeat(indent);
    const out: string[] = [];
    for (const { key, value } of entries) {
      if (this.chance(0.03)) out.push(pad + '# a comment');
      const complexKey = key.endsWith('\n');
      const head = complexKey ? `${pad}${key.trimEnd()}\n${pad}:` : `${pad}${key}:`;
      if (value.t === 'scalar') out.push(`${head}${this.hostile('tabs', 0.01) ? '\t' : ' '}${this.write(value, 0)[0]}`);
      else if (value.t === 'block' && value.header === '') {
        // A multi-line flow scalar: its first line after the key, the others indented (or at column 0).
        const [first, ...rest] = value.lines;
        out.push(`${head} ${typeof first === 'string' ? first : first.column0}`, ...this.blockLines(rest, indent));
      } else if (value.t === 'block') {
        const [first, ...rest] = this.write(value, indent);
        out.push(`${head} ${first.trimStart()}`, ...rest);
      } else if (value.flow || (value.t === 'map' ? value.entries.length : value.items.length) === 0) {
        const [first, ...rest] = this.write(value, indent + 2);
        out.push(`${head} ${first.trimStart()}`, ...rest);
      } else {
        // A block collection under its key: properties on the key's line, a sequence maybe not indented.
        const inner = this.write({ ...value, props: undefined }, value.t === 'seq' && this.chance(0.3) ? indent : indent + 2);
        out.push(value.props ? `${head} ${value.props}` : head, ...inner);
      }
    }
    return out;
  }

  private writeSeq(items: readonly Node[], indent: number): string[] {
    const pad = ' '.repeat(indent);
    const out: string[] = [];
    for (const item of items) {
      const lines = this.write(item, indent + 2);
      const isBlockCollection =
        (item.t === 'map' || item.t === 'seq') && !item.flow && (item.t === 'map' ? item.entries.length : item.items.length) > 0;
      if (isBlockCollection && item.props) {
        out.push(`${pad}- ${item.props}`, ...this.write({ ...item, props: undefined }, indent + 2));
      } else if (isBlockCollection && item.t === 'seq') {
        out.push(`${pad}-`, ...lines);
      } else {
        out.push(`${pad}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1));
      }
    }
    return out;
  }

  /** A collection in flow style: one line, or several (`multiline`), maybe with a trailing comma. */
  private flowLines(node: Extract<Node, { t: 'map' | 'seq' }>): string[] {
    const inline = (n: Node): string => {
      switch (n.t) {
        case 'scalar':
          return [n.props, n.text].filter(Boolean).join(' ');
        case 'block':
          return JSON.stringify(n.lines.map((l) => (typeof l === 'string' ? l : l.column0)).join('\n'));
        case 'map':
          return [n.props, `{${n.entries.map((e) => `${e.key.trim()}: ${inline(e.value)}`).join(', ')}}`].filter(Boolean).join(' ');
        case 'seq':
          return [n.props, `[${n.items.map(inline).join(', ')}]`].filter(Boolean).join(' ');
      }
    };
    const parts = node.t === 'map' ? node.entries.map((e) => `${e.key.trim()}: ${inline(e.value)}`) : node.items.map(inline);
    // Tokens libyaml reads otherwise in flow context: a tag glued to , [ or ], and ?key.
    if (this.hostile('flow-glued', 0.15)) {
      const at = Math.floor(this.random() * (parts.length + 1));
      const glued =
        node.t === 'map'
          ? this.pick(['!x', '!x[y]', ...(parts.length > 0 ? [`?${parts[Math.min(at, parts.length - 1)]}`] : [])])
          : this.pick(['!x', '!a[b]', '!x]', '?true']);
      if (glued.startsWith('?') && node.t === 'map' && parts.length > 0) parts[Math.min(at, parts.length - 1)] = glued;
      else parts.splice(at, 0, glued);
    }
    const [open, close] = node.t === 'map' ? ['{', '}'] : ['[', ']'];
    const trailing = parts.length > 0 && this.hostile('flow-trailing-comma', 0.2) ? ',' : '';
    const props = node.props ? `${node.props} ` : '';
    if (node.flow !== 'multiline' || parts.length === 0) return [`${props}${open}${parts.join(', ')}${trailing}${close}`];
    return [`${props}${open}`, ...parts.map((p, i) => `  ${p}${i < parts.length - 1 ? ',' : trailing}`), close];
  }
}
