import { compileSelector, InvalidSelectorError, LabelIndex, Labels, selectorMatches } from '../../../lib/review/analyses/selectors';

const labels = (record: Record<string, string>): Labels => new Map(Object.entries(record));
const matches = (selector: unknown, record: Record<string, string>) => selectorMatches(compileSelector(selector, 's'), labels(record));

describe('label selectors', () => {
  test.each([
    ['empty selector, any labels', {}, { a: '1' }, true],
    ['missing selector, no labels', undefined, {}, true],
    ['matchLabels equal', { matchLabels: { app: 'web' } }, { app: 'web', x: 'y' }, true],
    ['matchLabels other value', { matchLabels: { app: 'web' } }, { app: 'db' }, false],
    ['matchLabels, every pair needed', { matchLabels: { app: 'web', tier: 'front' } }, { app: 'web' }, false],
    ['In, value listed', { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }] }, { env: 'stage' }, true],
    ['In, key absent', { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, {}, false],
    ['NotIn, value listed', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, { env: 'prod' }, false],
    ['NotIn, other value', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, { env: 'dev' }, true],
    ['NotIn, key absent (matches, as upstream)', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {}, true],
    ['Exists', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, { env: '' }, true],
    ['Exists, key absent', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, {}, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, {}, true],
    ['DoesNotExist, key present', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, { env: 'x' }, false],
    [
      'matchLabels AND matchExpressions',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'Exists' }] },
      { app: 'web' },
      false,
    ],
    ['a key named like an Object property', { matchLabels: { constructor: 'x' } }, {}, false],
    ['a numeric YAML value reads as text', { matchLabels: { version: 1 } }, { version: '1' }, true],
  ])('%s', (_name, selector, record, expected) => {
    expect(matches(selector, record)).toBe(expected);
  });

  test('selectors that mean the same have the same key', () => {
    const a = compileSelector({ matchLabels: { b: '2', a: '1' } }, 's');
    const b = compileSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }], matchLabels: { b: '2' } }, 's');
    expect(a.key).toBe(b.key);
    expect(compileSelector({}, 's').key).toBe(compileSelector(undefined, 's').key);
    expect(compileSelector({ matchLabels: { a: '1' } }, 's').key).not.toBe(compileSelector({ matchLabels: { a: '2' } }, 's').key);
  });

  test('an invalid selector throws with its path', () => {
    expect(() => compileSelector({ matchExpressions: [{ operator: 'Exists' }] }, 'spec.podSelector')).toThrow(
      new InvalidSelectorError('spec.podSelector.matchExpressions[0] must have a "key"'),
    );
  });

  test('the index selects exactly what testing every label set selects', () => {
    // A deterministic pseudo-random population and selector set.
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const keys = ['app', 'tier', 'env'];
    const values = ['a', 'b', 'c'];
    const population = Array.from({ length: 300 }, () => new Map(keys.filter(() => next(3) > 0).map((k) => [k, values[next(3)]])));
    const index = new LabelIndex((id) => population[id]);
    population.forEach((_, id) => index.add(id));
    const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
    for (let i = 0; i < 200; i++) {
      const expressions = Array.from({ length: next(3) }, () => {
        const operator = operators[next(4)];
        return {
          key: keys[next(3)],
          operator,
          ...(operator === 'In' || operator === 'NotIn' ? { values: values.filter(() => next(2) === 0).concat('a') } : {}),
        };
      });
      const selector = compileSelector(
        { matchExpressions: expressions, ...(next(3) === 0 ? { matchLabels: { app: values[next(3)] } } : {}) },
        's',
      );
      const expected = population
        .map((l, id) => [l, id] as const)
        .filter(([l]) => selectorMatches(selector, l))
        .map(([, id]) => id);
      expect(index.select(selector)).toEqual(expected);
    }
  });
});
