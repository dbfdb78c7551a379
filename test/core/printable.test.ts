import { printable, printableLines } from '../../lib/core/printable';

describe('printable', () => {
  test.each([
    ['a line break', 'a.yaml\n  [x] all clear', 'a.yaml\\n  [x] all clear'],
    ['a carriage return, a tab, backspace and form feed', 'a\rb\tc\bd\fe', 'a\\rb\\tc\\bd\\fe'],
    ['other C0 controls (NUL, ESC)', 'x\u0000y\u001b[2Jz', 'x\\u0000y\\u001b[2Jz'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
    ['C1 controls (NEL, CSI)', 'a\u0085b\u009bc', 'a\\u0085b\\u009bc'],
    ['the line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidi embeddings and overrides', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['bidi isolates', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['bidi marks', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
  ])('escapes %s', (_, text, expected) => {
    expect(printable(text)).toBe(expected);
  });

  test.each([
    ['a plain path', 'dist/app/deployment.k8s.yaml:12'],
    ['letters of any script, spaces and symbols', 'café/ünïcode 名前 🚀 #%.yaml'],
    ['a Windows path (backslashes kept)', 'C:\\repo\\dist\\a.yaml'],
    ['the characters next to the escaped ranges', ' ~\u00a0\u2027\u202f\u2065\u206a\u200d'],
  ])('keeps %s as it is', (_, text) => {
    expect(printable(text)).toBe(text);
  });

  test('no character of the escaped ranges is left, whatever the input', () => {
    const every = Array.from({ length: 0x2100 }, (_, code) => String.fromCharCode(code)).join('');
    const result = printable(every);
    expect(result).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(result.split('\n')).toHaveLength(1);
  });

  test('printableLines keeps the line breaks between lines; indented JSON stays valid with the same values', () => {
    const value = { origin: 'a\u202eb\u2028c\u0085d\u007f.yaml:1', name: 'x\ny', list: ['\u2066'] };
    const json = JSON.stringify(value, null, 2);
    expect(json).toMatch(/[\u202e\u2028\u0085\u007f\u2066]/); // JSON.stringify leaves these raw
    const escaped = printableLines(json);
    expect(escaped).not.toMatch(/[\u202e\u2028\u0085\u007f\u2066]/);
    expect(escaped.split('\n')).toHaveLength(json.split('\n').length);
    expect(JSON.parse(escaped)).toEqual(value);
  });
});
