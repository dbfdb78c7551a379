/**
 * The characters that must not reach a terminal or a log as themselves: C0 controls (line
 * breaks, escape sequences), DEL, C1 controls (NEL among them), the line and paragraph
 * separators, and the Unicode bidi controls (marks, embeddings, overrides, isolates), which
 * reorder what follows them on screen.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/**
 * `text` safe to print on one line: every control character written as an escape (`\n`,
 * `\t`, `\u001b`, `\u2028`, `\u202e`), so a file name or an object name taken from the input
 * cannot forge lines of the output or reorder it on screen. The escapes are JSON's, so a
 * line of JSON text stays valid JSON with the same value. A backslash is kept as is (Windows
 * paths stay readable): the result is for reading, not for decoding back.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Multi-line output with each line `printable`: the line breaks between lines stay, any
 * other control character is escaped (for a report whose lines were joined already, such as
 * indented JSON, where a control character can only be inside a string).
 */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
