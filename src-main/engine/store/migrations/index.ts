// Every migration, in order. Append new files here; never edit one that has shipped.
import type { Migration } from './migration';
import { migration0001Library } from './0001_library';
import { migration0002Serving } from './0002_serving';
import { migration0003LoadTests } from './0003_loadtests';

export const MIGRATIONS: readonly Migration[] = [migration0001Library, migration0002Serving, migration0003LoadTests];
export type { Migration };
