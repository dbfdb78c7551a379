/**
 * CEL for address blocks: whether a union of blocks covers a block, exactly, with the CIDR
 * library of Kubernetes CEL (which compares one block with another) and 64-bit integers. The
 * blocks of a union that matter are the largest ones inside the covered block (distinct, by their
 * canonical text); they cover it when their sizes, powers of two, add up to its size, summed in
 * three limbs of 40 bits so that a /128 inside a /0 is counted exactly.
 */
import { IpFamily } from '../../core/cidr';

export const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const LIMB_BITS = 40;
const LIMB = 2 ** LIMB_BITS;
const POWERS = `[${Array.from({ length: LIMB_BITS }, (_, i) => String(2 ** i)).join(', ')}]`;

/** CEL binding `name` to `value` in `body` (Kubernetes CEL has no `cel.bind`). */
export function celLet(name: string, value: string, body: string): string {
  return `[${value}].all(${name}, ${body})`;
}

/** `celLet` for a `body` of any type (a list, a number): its value. */
export function celLetValue(name: string, value: string, body: string): string {
  return `[${value}].map(${name}, ${body})[0]`;
}

/**
 * CEL: the sums of powers of two whose exponents the CEL int lists `left` and `right` hold
 * (each at most `bits`) are equal: both summed in limbs of 40 bits, carried, limb by limb.
 */
export function celPowerSumsEqual(left: string, right: string, bits: number): string {
  const limbs = Math.floor(bits / LIMB_BITS) + 1;
  const limb = (list: string, q: number) => `${list}.map(k, k / ${LIMB_BITS} == ${q} ? ${POWERS}[k % ${LIMB_BITS}] : 0).sum()`;
  // <side><q>: limb q (the powers 2^(40q) to 2^(40q + 39)) with the carry of the limbs below.
  const carried = (side: string, list: string, body: string) => {
    let result = body;
    for (let q = limbs - 1; q >= 0; q--) {
      result = celLet(`${side}${q}`, q === 0 ? limb(list, 0) : `${limb(list, q)} + ${side}${q - 1} / ${LIMB}`, result);
    }
    return result;
  };
  const equal = Array.from({ length: limbs }, (_, q) => (q === limbs - 1 ? `l${q} == r${q}` : `l${q} % ${LIMB} == r${q} % ${LIMB}`)).join(
    ' && ',
  );
  return celLet('ls', left, celLet('rs', right, carried('l', 'ls', carried('r', 'rs', equal))));
}

/** CEL: the largest of the distinct blocks of `blocks` (a CEL list of CIDR strings, each valid), as canonical strings: they are disjoint. */
export function celLargestBlocks(blocks: string): string {
  // Bound once: a list expression written twice would be computed again for each element.
  return celLetValue(
    'd',
    `${blocks}.map(e, string(cidr(e).masked())).distinct()`,
    `d.filter(e, !d.exists(o, cidr(o).containsCIDR(cidr(e)) && cidr(o).prefixLength() < cidr(e).prefixLength()))`,
  );
}

/**
 * CEL: the union of `blocks` (a CEL list of CIDR strings, each valid) covers the block `x` (a
 * CEL cidr, masked) of `family`: one of them holds it, or the largest ones inside it add up to its size.
 */
export function celCovers(blocks: string, x: string, family: IpFamily): string {
  const bits = BITS[family];
  const inside = `${celLargestBlocks(blocks)}.filter(e, ${x}.containsCIDR(cidr(e)))`;
  const sizes = `${inside}.map(e, ${bits} - cidr(e).prefixLength())`;
  return `(${blocks}.exists(e, cidr(e).masked().containsCIDR(${x})) || ${celPowerSumsEqual(sizes, `[${bits} - ${x}.prefixLength()]`, bits)})`;
}
