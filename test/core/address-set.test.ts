import { AddressSet } from '../../lib/core/address-set';
import { effectiveCidr, formatCidr, parseCidr } from '../../lib/core/cidr';
import { METADATA_BLOCKS, PUBLIC_ADDRESSES } from '../../lib/policy/special-addresses';

const v4 = (...blocks: string[]) => AddressSet.of(4, blocks.map(parseCidr));
const v6 = (...blocks: string[]) => AddressSet.of(6, blocks.map(parseCidr));

describe('effectiveCidr', () => {
  test.each([
    ['::ffff:169.254.169.254/128', '169.254.169.254/32'],
    ['::ffff:0.0.0.0/96', '0.0.0.0/0'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::/0', '::/0'],
    ['::/96', '::/96'],
    ['64:ff9b::/96', '64:ff9b::/96'],
    ['10.0.0.0/8', '10.0.0.0/8'],
  ])('reads %s as %s', (text, expected) => {
    expect(formatCidr(effectiveCidr(parseCidr(text)))).toBe(expected);
  });
});

describe('AddressSet', () => {
  test('blocks are the fewest aligned CIDRs of the set, and size counts its addresses', () => {
    const set = AddressSet.all(4).minus(AddressSet.of(4, [parseCidr('10.0.0.0/8')]));
    expect(set.size()).toBe(2n ** 32n - 2n ** 24n);
    expect(set.blocks().map(formatCidr)).toEqual([
      '0.0.0.0/5',
      '8.0.0.0/7',
      '11.0.0.0/8',
      '12.0.0.0/6',
      '16.0.0.0/4',
      '32.0.0.0/3',
      '64.0.0.0/2',
      '128.0.0.0/1',
    ]);
    expect(
      AddressSet.of(6, [parseCidr('fe80::/10')])
        .blocks()
        .map(formatCidr),
    ).toEqual(['fe80::/10']);
    for (const family of [4, 6] as const) {
      const blocks = PUBLIC_ADDRESSES[family].blocks();
      expect(AddressSet.of(family, blocks).containsAll(PUBLIC_ADDRESSES[family])).toBe(true);
      expect(PUBLIC_ADDRESSES[family].containsAll(AddressSet.of(family, blocks))).toBe(true);
    }
  });

  test('halves cover the family; one block short does not', () => {
    expect(v4('0.0.0.0/1', '128.0.0.0/1').containsAll(AddressSet.all(4))).toBe(true);
    expect(v4('0.0.0.0/1', '128.0.0.0/2').containsAll(AddressSet.all(4))).toBe(false);
    expect(v6('::/1', '8000::/1').containsAll(AddressSet.all(6))).toBe(true);
  });

  test('256 /8 blocks cover IPv4, in any order', () => {
    const blocks = Array.from({ length: 256 }, (_, i) => `${(i * 97) % 256}.0.0.0/8`);
    expect(new Set(blocks).size).toBe(256);
    expect(v4(...blocks).containsAll(AddressSet.all(4))).toBe(true);
  });

  test('minus takes out holes, union fills them again', () => {
    const holed = v4('0.0.0.0/0').minus(v4('169.254.0.0/16'));
    expect(holed.containsAll(AddressSet.all(4))).toBe(false);
    expect(holed.intersects(v4('169.254.169.254/32'))).toBe(false);
    expect(holed.intersects(v4('169.253.255.255/32'))).toBe(true);
    expect(holed.union(v4('169.254.169.254/32')).intersects(v4('169.254.169.254/32'))).toBe(true);
  });

  test('an IPv4-mapped block counts as IPv4; a wider IPv6 block does not', () => {
    expect(AddressSet.of(4, [parseCidr('::ffff:169.254.169.254/128')]).intersects(v4('169.254.169.254/32'))).toBe(true);
    expect(AddressSet.of(4, [parseCidr('::/0')]).isEmpty()).toBe(true);
    expect(AddressSet.of(6, [parseCidr('::ffff:0.0.0.0/96')]).isEmpty()).toBe(true);
  });
});

describe('the address data', () => {
  test('public IPv4 leaves out the private, shared, loopback, link-local, documentation and multicast ranges', () => {
    for (const block of [
      '10.1.2.3/32',
      '100.64.0.0/10',
      '127.0.0.1/32',
      '169.254.169.254/32',
      '172.31.0.0/16',
      '192.168.1.0/24',
      '192.0.2.0/24',
      '224.0.0.0/4',
      '255.255.255.255/32',
    ]) {
      expect([block, PUBLIC_ADDRESSES[4].intersects(v4(block))]).toEqual([block, false]);
    }
    for (const block of ['1.1.1.1/32', '8.8.8.8/32', '100.128.0.0/9', '172.32.0.0/11', '203.0.114.0/24']) {
      expect([block, PUBLIC_ADDRESSES[4].containsAll(v4(block))]).toEqual([block, true]);
    }
  });

  test('public IPv6 is the global unicast range but its documentation blocks', () => {
    expect(PUBLIC_ADDRESSES[6].containsAll(v6('2600:1900::/28', '2a00::/12'))).toBe(true);
    expect(PUBLIC_ADDRESSES[6].intersects(v6('fd00::/8', 'fe80::/10', '::1/128', 'ff00::/8', '2001:db8::/32', '::ffff:0:0/96'))).toBe(
      false,
    );
  });

  test("the metadata table holds every cloud's address in both families, each block canonical", () => {
    expect(METADATA_BLOCKS.map((m) => m.cidr)).toEqual([
      '169.254.169.254/32',
      '100.100.100.200/32',
      'fd00:ec2::254/128',
      'fd00:ec2::23/128',
      'fd20:ce::254/128',
      '169.254.0.0/16',
      'fe80::/10',
    ]);
    for (const m of METADATA_BLOCKS) expect(formatCidr(parseCidr(m.cidr))).toBe(m.cidr);
    // OpenStack's IPv6 address and the node-local credential agents are inside the link-local classes.
    expect(v6('fe80::/10').containsAll(v6('fe80::a9fe:a9fe/128'))).toBe(true);
    expect(v4('169.254.0.0/16').containsAll(v4('169.254.170.2/32', '169.254.170.23/32'))).toBe(true);
  });
});
