/**
 * Writing CEL text from TypeScript data: string and list literals the rules' admission
 * validations embed (the same constants their checks read), so a list is never copied by hand.
 */

/**
 * A CEL string literal: JSON's double-quoted form is valid CEL (the same escapes), with every
 * character beyond ASCII escaped too (`\u00a0`, `\U0001f600`), so the policy's YAML holds no
 * line separator or byte order mark that a reader would take for structure.
 */
export function celString(value: string): string {
  return JSON.stringify(value).replace(/[^\x00-\x7e]/gu, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A CEL list literal of strings. */
export function celList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/** A CEL identifier for a rule id: `no-host-path` → `no_host_path`. */
export function celIdentifier(ruleId: string): string {
  return ruleId.replace(/[^A-Za-z0-9_]/g, '_');
}
