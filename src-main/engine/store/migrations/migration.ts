// A numbered schema step; the list in ./index is applied in order inside one transaction.
export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; numbers are consecutive from 1. */
  version: number;
  name: string;
  sql: string;
}
