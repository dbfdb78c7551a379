import {
  cidrContains,
  cidrContainsAddress,
  compareCidrs,
  formatAddress,
  formatCidr,
  InvalidCidrError,
  isStrictSubset,
  parseAddress,
  parseCidr,
} from '../../lib/core/cidr';

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['169.254.169.254/32', '169.254.169.254/32'],
    ['::/0', '::/0'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32'],
    ['fd00:0:0:1::/64', 'fd00:0:0:1::/64'],
    ['2001:db8:0:0:1:0:0:0/80', '2001:db8:0:0:1::/80'],
    ['::ffff:192.0.2.0/120', '::ffff:c000:200/120'],
    ['64:ff9b::192.0.2.128/121', '64:ff9b::c000:280/121'],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8/128'],
    ['::1/128', '::1/128'],
    ['fe80::/10', 'fe80::/10'],
  ])('reads %s as %s', (text, canonical) => {
    expect(formatCidr(parseCidr(text))).toBe(canonical);
  });

  test.each([
    ['10.0.0.0', 'no prefix length'],
    ['10.0.0.0/33', 'from 0 to 32 for IPv4'],
    ['10.0.0.0/08', 'from 0 to 32'],
    ['10.0.0.0/', 'from 0 to 32'],
    ['10.0.0/8', 'not an IPv4 address'],
    ['10.0.0.0.0/8', 'not an IPv4 address'],
    ['256.0.0.0/8', '"256" is not a number from 0 to 255'],
    ['010.0.0.0/8', '"010" is not a number'],
    ['10.0.0.1/8', 'host bits set; the block is "10.0.0.0/8"'],
    ['2001:db8::1/32', 'host bits set; the block is "2001:db8::/32"'],
    ['2001:db8::/129', 'from 0 to 128 for IPv6'],
    ['2001:db8:::/32', 'not an IPv6 group'],
    ['1::2::3/64', '"::" may appear only once'],
    ['1:2:3:4:5:6:7/64', 'eight groups'],
    ['1:2:3:4:5:6:7:8:9/64', 'eight groups'],
    ['1:2:3:4:5:6:7:8::/64', 'eight groups'],
    ['12345::/16', 'not an IPv6 group'],
    ['fe80::1%eth0/128', 'zone'],
    ['::ffff:300.0.0.1/128', '"300" is not a number'],
    ['', 'no prefix length'],
  ])('refuses %j (%s)', (text, message) => {
    expect(() => parseCidr(text)).toThrow(InvalidCidrError);
    expect(() => parseCidr(text)).toThrow(message);
  });
});

describe('containment', () => {
  const c = parseCidr;
  test.each([
    ['10.0.0.0/8', '10.1.0.0/16', true, true],
    ['10.0.0.0/8', '10.0.0.0/8', true, false],
    ['10.0.0.0/8', '11.0.0.0/16', false, false],
    ['10.1.0.0/16', '10.0.0.0/8', false, false],
    ['0.0.0.0/0', '169.254.169.254/32', true, true],
    ['::/0', '0.0.0.0/0', false, false],
    ['2001:db8::/32', '2001:db8:ffff::/48', true, true],
    ['2001:db8::/32', '2001:db9::/48', false, false],
  ])('%s contains %s: %s (strictly: %s)', (outer, inner, contains, strictly) => {
    expect(cidrContains(c(outer), c(inner))).toBe(contains);
    expect(isStrictSubset(c(outer), c(inner))).toBe(strictly);
  });

  test.each([
    ['0.0.0.0/0', '203.0.113.9', true],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['169.254.169.254/32', '169.254.169.254', true],
    ['::/0', '10.0.0.1', false],
    ['2001:db8::/32', '2001:db8::1', true],
    ['2001:db8::/32', '::ffff:10.0.0.1', false],
  ])('%s contains address %s: %s', (block, address, expected) => {
    expect(cidrContainsAddress(c(block), parseAddress(address))).toBe(expected);
  });

  test('blocks sort IPv4 first, then by address, wider first', () => {
    const blocks = ['2001:db8::/32', '10.0.0.0/16', '10.0.0.0/8', '9.0.0.0/8', '::/0'].map(c).sort(compareCidrs).map(formatCidr);
    expect(blocks).toEqual(['9.0.0.0/8', '10.0.0.0/8', '10.0.0.0/16', '::/0', '2001:db8::/32']);
  });

  test('IPv6 text follows RFC 5952: the first longest zero run is compressed, a single zero group is not', () => {
    expect(formatAddress(parseAddress('1:0:0:2:0:0:3:4'))).toBe('1::2:0:0:3:4');
    expect(formatAddress(parseAddress('1:0:2:3:4:5:6:7'))).toBe('1:0:2:3:4:5:6:7');
    expect(formatAddress(parseAddress('0:0:0:0:0:0:0:0'))).toBe('::');
  });
});
