/**
 * Sets of addresses of one family, as sorted disjoint ranges: what a NetworkPolicy's ipBlocks
 * cover together once their `except`s are taken out, so a rule can ask "is every public address
 * covered?" of `0.0.0.0/1` + `128.0.0.0/1` as of `0.0.0.0/0`.
 */
import { Cidr, effectiveCidr, IpFamily } from './cidr';

const BITS: Record<IpFamily, bigint> = { 4: 32n, 6: 128n };

/** A half-open range of addresses, `[start, end)`. */
type Range = readonly [start: bigint, end: bigint];

/** An immutable set of addresses of one family. */
export class AddressSet {
  /** Every address of the family. */
  public static all(family: IpFamily): AddressSet {
    return new AddressSet(family, [[0n, 1n << BITS[family]]]);
  }

  /** No address. */
  public static none(family: IpFamily): AddressSet {
    return new AddressSet(family, []);
  }

  /**
   * The addresses of the blocks of `family` among `blocks` (IPv4-mapped blocks count as the
   * IPv4 blocks they spell, see `effectiveCidr`); blocks of the other family are left out.
   */
  public static of(family: IpFamily, blocks: readonly Cidr[]): AddressSet {
    const ranges = blocks
      .map(effectiveCidr)
      .filter((b) => b.family === family)
      .map((b): Range => {
        const size = 1n << (BITS[family] - BigInt(b.prefix));
        return [b.network, b.network + size];
      });
    return new AddressSet(family, normalize(ranges));
  }

  private constructor(
    public readonly family: IpFamily,
    private readonly ranges: readonly Range[],
  ) {}

  /** How many addresses the set holds. */
  public size(): bigint {
    return this.ranges.reduce((total, [start, end]) => total + end - start, 0n);
  }

  /** The set as the fewest CIDR blocks, in address order (each range cut into its largest aligned blocks). */
  public blocks(): Cidr[] {
    const bits = BITS[this.family];
    return this.ranges.flatMap(([start, end]) => {
      const found: Cidr[] = [];
      for (let at = start; at < end;) {
        let size = 1n;
        while (size < 1n << bits && at % (size * 2n) === 0n && at + size * 2n <= end) size *= 2n;
        found.push({ family: this.family, network: at, prefix: Number(bits) - size.toString(2).length + 1 });
        at += size;
      }
      return found;
    });
  }

  public isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  public union(other: AddressSet): AddressSet {
    return new AddressSet(this.family, normalize([...this.ranges, ...other.ranges]));
  }

  /** The addresses of this set that are not in `other`. */
  public minus(other: AddressSet): AddressSet {
    let result: Range[] = [...this.ranges];
    for (const [cutStart, cutEnd] of other.ranges) {
      result = result.flatMap(([start, end]): Range[] => {
        if (cutEnd <= start || cutStart >= end) return [[start, end]];
        return [...(start < cutStart ? [[start, cutStart] as Range] : []), ...(cutEnd < end ? [[cutEnd, end] as Range] : [])];
      });
    }
    return new AddressSet(this.family, result);
  }

  /** Whether every address of `other` is in this set. */
  public containsAll(other: AddressSet): boolean {
    return other.minus(this).isEmpty();
  }

  /** Whether some address of `other` is in this set. */
  public intersects(other: AddressSet): boolean {
    return this.ranges.some(([start, end]) => other.ranges.some(([otherStart, otherEnd]) => otherStart < end && start < otherEnd));
  }
}

/** Sorted, merged ranges (touching ranges joined). */
function normalize(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: Array<[bigint, bigint]> = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) {
      if (end > last[1]) last[1] = end;
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}
