/**
 * Orders strings by UTF-16 code units: the same order on every machine, whatever its locale
 * (`localeCompare` follows the machine's locale and ICU version, so output sorted with it
 * could differ between a laptop and CI).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
