/**
 * Sets of ports per protocol, as NetworkPolicy rules allow them: immutable, normalized
 * (sorted, disjoint, adjacent ranges merged) so equal sets render to equal text.
 */

/** The protocols a NetworkPolicy port can name. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Every protocol, in the order reports list them. */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** The lowest and highest port numbers. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** An inclusive range of ports. */
export type PortRange = readonly [number, number];

type Ranges = Readonly<Record<Protocol, readonly PortRange[]>>;

const FULL: readonly PortRange[] = [[MIN_PORT, MAX_PORT]];
const ALL_TEXT = 'all';

/**
 * A set of (protocol, port) pairs. Renders as `TCP 8080`, `TCP 8000-8100`, `UDP all` (every
 * port of one protocol), or the single entry `all` (every port of every protocol).
 */
export class PortSet {
  /** No port at all. */
  public static readonly NONE = new PortSet({ TCP: [], UDP: [], SCTP: [] });
  /** Every port of every protocol. */
  public static readonly ALL = new PortSet({ TCP: FULL, UDP: FULL, SCTP: FULL });

  /** The ports `from` to `to` (inclusive) of one protocol; every port of it when `from` is omitted. */
  public static of(protocol: Protocol, from?: number, to: number | undefined = from): PortSet {
    const range: PortRange = from === undefined ? FULL[0] : [from, to ?? from];
    return new PortSet({ ...PortSet.NONE.ranges, [protocol]: [range] });
  }

  /** Reads the text `render` writes. Throws on anything else. */
  public static parse(entries: readonly string[]): PortSet {
    let set = PortSet.NONE;
    for (const entry of entries) {
      if (entry === ALL_TEXT) return PortSet.ALL;
      const match = /^(TCP|UDP|SCTP) (?:(all)|(\d+)(?:-(\d+))?)$/.exec(entry);
      if (!match) throw new Error(`"${entry}" is not a port entry such as "TCP 8080", "TCP 8000-8100", "UDP all" or "all"`);
      const protocol = match[1] as Protocol;
      set = set.union(match[2] ? PortSet.of(protocol) : PortSet.of(protocol, Number(match[3]), Number(match[4] ?? match[3])));
    }
    return set;
  }

  private constructor(private readonly ranges: Ranges) {}

  /** The sorted, disjoint ranges of one protocol. */
  public rangesOf(protocol: Protocol): readonly PortRange[] {
    return this.ranges[protocol];
  }

  public isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.ranges[p].length === 0);
  }

  public isAll(): boolean {
    return PROTOCOLS.every((p) => isFull(this.ranges[p]));
  }

  /** Whether the set holds this port of this protocol. */
  public has(protocol: Protocol, port: number): boolean {
    return this.ranges[protocol].some(([from, to]) => from <= port && port <= to);
  }

  public union(other: PortSet): PortSet {
    if (other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return new PortSet(mapProtocols((p) => normalize([...this.ranges[p], ...other.ranges[p]])));
  }

  public intersect(other: PortSet): PortSet {
    if (this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    return new PortSet(mapProtocols((p) => intersectRanges(this.ranges[p], other.ranges[p])));
  }

  /** The entries described on the class, protocols in `PROTOCOLS` order, ranges ascending. */
  public render(): readonly string[] {
    if (this.isAll()) return [ALL_TEXT];
    return PROTOCOLS.flatMap((p) =>
      isFull(this.ranges[p])
        ? [`${p} ${ALL_TEXT}`]
        : this.ranges[p].map(([from, to]) => (from === to ? `${p} ${from}` : `${p} ${from}-${to}`)),
    );
  }
}

function isFull(ranges: readonly PortRange[]): boolean {
  return ranges.length === 1 && ranges[0][0] === MIN_PORT && ranges[0][1] === MAX_PORT;
}

function mapProtocols(fn: (protocol: Protocol) => readonly PortRange[]): Ranges {
  return { TCP: fn('TCP'), UDP: fn('UDP'), SCTP: fn('SCTP') };
}

function normalize(ranges: readonly PortRange[]): readonly PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    // Adjacent ranges merge too (80-89 and 90-99 are 80-99), so one set has one rendering.
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  const result: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i][0], b[j][0]);
    const to = Math.min(a[i][1], b[j][1]);
    if (from <= to) result.push([from, to]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return result;
}
