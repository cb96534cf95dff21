/** Percentile (nearest rank) of unsorted samples; NaN when there are none. */
export function percentile(samples: Float64Array | readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function maxOf(samples: Float64Array | readonly number[]): number {
  let max = Number.NaN;
  for (const sample of samples) if (!(sample <= max)) max = sample;
  return max;
}

export interface Summary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(samples: Float64Array | readonly number[]): Summary {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: maxOf(samples) };
}

/** A cell: a number (ratios are taken of these) with how to print it, or plain text. */
export type Cell = { readonly value: number; readonly digits: number; readonly suffix?: string } | string;

export function num(value: number, digits = 0, suffix?: string): Cell {
  return suffix === undefined ? { value, digits } : { value, digits, suffix };
}

export interface Row {
  readonly label: string;
  readonly cells: readonly Cell[];
}

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: Row[];
  readonly notes: string[];
}

export function formatCell(cell: Cell): string {
  if (typeof cell === "string") return cell;
  if (!Number.isFinite(cell.value)) return "–";
  return `${cell.value.toLocaleString("en-US", {
    minimumFractionDigits: cell.digits,
    maximumFractionDigits: cell.digits,
  })}${cell.suffix ?? ""}`;
}

/** The row with the cells of `columns` (indexes) left empty: columns whose ratio means nothing. */
export function withoutColumns(row: Row, columns: ReadonlySet<number>): Row {
  return { label: row.label, cells: row.cells.map((cell, index) => (columns.has(index) ? "" : cell)) };
}

/** A ratio row, numerator row over denominator row, for every numeric column. */
export function ratioRow(label: string, top: Row, bottom: Row): Row {
  const cells = top.cells.map((cell, index) => {
    const other = bottom.cells[index];
    if (typeof cell === "string" || other === undefined || typeof other === "string") return "";
    if (other.value === 0 || !Number.isFinite(other.value) || !Number.isFinite(cell.value)) return "–";
    return `${(cell.value / other.value).toFixed(2)}×`;
  });
  return { label, cells };
}

export function markdownTable(table: Table): string {
  const lines = [`### ${table.title}`, ""];
  lines.push(`| ${["", ...table.columns].join(" | ")} |`);
  lines.push(`|${["---", ...table.columns.map(() => "---:")].join("|")}|`);
  for (const row of table.rows) lines.push(`| ${[row.label, ...row.cells.map(formatCell)].join(" | ")} |`);
  if (table.notes.length > 0) lines.push("", ...table.notes.map((note) => `- ${note}`));
  return lines.join("\n");
}

export interface Budget {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

export function budgetLine(budget: Budget): string {
  return `- **${budget.pass ? "PASS" : "FAIL"}** ${budget.name}: ${budget.detail}`;
}

export const MB = 1024 * 1024;
