/** Plain-text tables with aligned columns, for the benchmark's output. */

export interface Column {
  header: string
  /** Numbers read best right-aligned; default left. */
  align?: 'left' | 'right'
}

/** The title, then the header, a rule and the rows, columns padded to their widest cell. */
export function formatTable(title: string, columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? ''
        const width = widths[i]!
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width)
      })
      .join(' | ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('-+-')
  return [title, line(columns.map((column) => column.header)), rule, ...rows.map(line)].join('\n')
}
