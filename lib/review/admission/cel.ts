/**
 * Writing CEL text from TypeScript data: string and list literals the rules' admission
 * validations embed (the same constants their checks read), so a list is never copied by hand.
 */

/** A CEL string literal: JSON's double-quoted form is valid CEL (the same escapes). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/** A CEL list literal of strings. */
export function celList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/** A CEL identifier for a rule id: `no-host-path` → `no_host_path`. */
export function celIdentifier(ruleId: string): string {
  return ruleId.replace(/[^A-Za-z0-9_]/g, '_');
}
