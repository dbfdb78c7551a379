import { PortSet } from '../../../lib/review/analyses/port-set';

const tcp = (from: number, to?: number) => PortSet.of('TCP', from, to);

describe('PortSet', () => {
  test.each([
    ['a single port', tcp(8080), ['TCP 8080']],
    ['a range', tcp(8000, 8100), ['TCP 8000-8100']],
    ['every port of one protocol', PortSet.of('UDP'), ['UDP all']],
    ['everything', PortSet.ALL, ['all']],
    ['nothing', PortSet.NONE, []],
    ['adjacent ranges merged', tcp(80, 89).union(tcp(90, 99)), ['TCP 80-99']],
    ['overlapping ranges merged', tcp(80, 95).union(tcp(90, 99)).union(tcp(85)), ['TCP 80-99']],
    [
      'sorted, protocols in order',
      PortSet.of('SCTP', 9).union(PortSet.of('UDP', 53)).union(tcp(443)).union(tcp(80)),
      ['TCP 80', 'TCP 443', 'UDP 53', 'SCTP 9'],
    ],
    ['all three protocols full is "all"', PortSet.of('TCP').union(PortSet.of('UDP')).union(PortSet.of('SCTP')), ['all']],
  ])('renders %s', (_name, set, rendered) => {
    expect(set.render()).toEqual(rendered);
  });

  test.each([
    ['range with single port', tcp(8000, 8100), tcp(8080), ['TCP 8080']],
    ['overlapping ranges', tcp(8050, 8200), tcp(8000, 8100), ['TCP 8050-8100']],
    ['disjoint', tcp(80), tcp(443), []],
    ['other protocol', tcp(53), PortSet.of('UDP', 53), []],
    ['with everything', tcp(80).union(PortSet.of('UDP', 53)), PortSet.ALL, ['TCP 80', 'UDP 53']],
    ['several ranges', tcp(1, 10).union(tcp(20, 30)).union(tcp(40, 50)), tcp(5, 45), ['TCP 5-10', 'TCP 20-30', 'TCP 40-45']],
  ])('intersects %s', (_name, a, b, expected) => {
    expect(a.intersect(b).render()).toEqual(expected);
    expect(b.intersect(a).render()).toEqual(expected);
  });

  test('has() answers membership', () => {
    const set = tcp(8000, 8100).union(PortSet.of('UDP', 53));
    expect([set.has('TCP', 8080), set.has('TCP', 8101), set.has('UDP', 53), set.has('SCTP', 53)]).toEqual([true, false, true, false]);
  });

  test.each([[['TCP 80', 'TCP 8000-8100', 'UDP all']], [['all']], [[]], [['SCTP 1-65534']]])(
    'parse reads what render writes: %j',
    (entries) => {
      expect(PortSet.parse(entries).render()).toEqual(entries);
    },
  );

  test('parse refuses anything else', () => {
    expect(() => PortSet.parse(['tcp 80'])).toThrow('"tcp 80" is not a port entry');
  });
});
