import { celList, celString } from '../../../lib/review/admission/cel';

describe('celString', () => {
  test('writes quotes, backslashes and control characters as JSON escapes, which CEL reads the same', () => {
    expect(celString('a"b\\c\n\t')).toBe('"a\\"b\\\\c\\n\\t"');
  });

  test('escapes every character beyond ASCII, so no line separator or byte order mark reaches the policy YAML', () => {
    expect(celString('a\u00a0b\u2028c\ufeff\u{1f600}')).toBe('"a\\u00a0b\\u2028c\\ufeff\\U0001f600"');
  });
});

test('celList writes a list of string literals', () => {
  expect(celList(['x', 'ä'])).toBe('["x", "\\u00e4"]');
});
