/**
 * CEL for address blocks: whether a union of blocks covers a block, exactly, with the CIDR
 * library of Kubernetes CEL (which compares one block with another) and 64-bit integers. The
 * blocks of a union that matter are the largest ones inside the covered block (distinct, by their
 * canonical text); they cover it when their sizes, powers of two, add up to its size, summed in
 * three limbs of 40 bits so that a /128 inside a /0 is counted exactly.
 */
import { IpFamily } from '../../core/cidr';

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const LIMB_BITS = 40;
const LIMB = 2 ** LIMB_BITS;
const POWERS = `[${Array.from({ length: LIMB_BITS }, (_, i) => String(2 ** i)).join(', ')}]`;

/** CEL binding `name` to `value` in `body` (Kubernetes CEL has no `cel.bind`). */
export function celLet(name: string, value: string, body: string): string {
  return `[${value}].all(${name}, ${body})`;
}

/**
 * CEL: the union of `blocks` (a CEL list of CIDR strings, each valid) covers the block `x` (a
 * CEL cidr, masked) of `family`.
 */
export function celCovers(blocks: string, x: string, family: IpFamily): string {
  const bits = BITS[family];
  const distinct = `${blocks}.map(e, string(cidr(e).masked())).distinct()`;
  const largest = `${distinct}.filter(e, ${x}.containsCIDR(cidr(e)) && !${distinct}.exists(o, cidr(o).containsCIDR(cidr(e)) && cidr(o).prefixLength() < cidr(e).prefixLength()))`;
  // The size of each largest block, 2^k, as its exponent k.
  const exponents = `${largest}.map(e, ${bits} - cidr(e).prefixLength())`;
  const limb = (q: number) => `ks.map(k, k / ${LIMB_BITS} == ${q} ? ${POWERS}[k % ${LIMB_BITS}] : 0).sum()`;
  const target = (q: number) => `(t / ${LIMB_BITS} == ${q} ? ${POWERS}[t % ${LIMB_BITS}] : 0)`;
  // Limb q holds the sizes 2^(40q) to 2^(40q + 39); a<q> is it with the carry of the limbs below.
  const limbs = Math.floor(bits / LIMB_BITS) + 1;
  let body = `a${limbs - 1} == ${target(limbs - 1)}`;
  for (let q = limbs - 2; q >= 0; q--) body = `a${q} % ${LIMB} == ${target(q)} && ${body}`;
  for (let q = limbs - 1; q >= 0; q--) body = celLet(`a${q}`, q === 0 ? limb(0) : `${limb(q)} + a${q - 1} / ${LIMB}`, body);
  const sums = celLet('ks', exponents, celLet('t', `${bits} - ${x}.prefixLength()`, body));
  return `(${blocks}.exists(e, cidr(e).masked().containsCIDR(${x})) || ${sums})`;
}
