// How the CLI speaks: human text on stdout, or one JSON document with --json; errors on stderr as one line
// (or one JSON object with --json); progress lines only when stderr is a terminal.

export interface OutputOptions {
  json: boolean;
}

export class Output {
  constructor(readonly options: OutputOptions) {}

  get json(): boolean {
    return this.options.json;
  }

  /** Prints `data` as JSON with --json, else the human text `render` makes from it. */
  result<T>(data: T, render: (data: T) => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${render(data)}\n`);
  }

  error(code: string, message: string): void {
    process.stderr.write(
      this.json ? `${JSON.stringify({ error: { code, message } })}\n` : `slipway: error: ${message}\n`,
    );
  }

  warn(message: string): void {
    if (!this.json) process.stderr.write(`slipway: warning: ${message}\n`);
  }

  /** A progress line that rewrites itself; silent when stderr is not a terminal or under --json. */
  progress(text: string): void {
    if (this.json || !process.stderr.isTTY) return;
    process.stderr.write(`\r\x1b[2K${text}`);
  }

  endProgress(): void {
    if (this.json || !process.stderr.isTTY) return;
    process.stderr.write('\r\x1b[2K');
  }
}

/** Pads columns of a small table for the terminal. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
