// Bad rows of a file being imported: without --skip-bad the first one stops the import with its line number;
// with it, each is counted and the first MAX_LISTED are kept with their line and reason.
import { UserError } from '../../userError';

export const MAX_LISTED_BAD_ROWS = 100;

/** A row that cannot be stored as it is; the message says why, without the line (the reader adds it). */
export class BadRow extends Error {}

export class BadRows {
  count = 0;
  readonly listed: { line: number; message: string }[] = [];

  constructor(
    private readonly file: string,
    private readonly skip: boolean,
  ) {}

  /** Records a bad row, or throws when bad rows are not to be skipped. */
  add(line: number, message: string): void {
    if (!this.skip) {
      throw new UserError(
        'bad-input',
        `${this.file} line ${line}: ${message} (nothing was imported; --skip-bad imports the other rows and lists the bad ones)`,
      );
    }
    this.count++;
    if (this.listed.length < MAX_LISTED_BAD_ROWS) this.listed.push({ line, message });
  }
}
