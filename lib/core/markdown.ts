/** Small Markdown helpers shared by REVIEW.md and the analysis sections appended to it. */

/** Inline code, with backticks inside turned into quotes so the span cannot break. */
export function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

/** Escapes text for one Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Markdown table: the header, the separator line, then one line per row (cells escaped). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}
