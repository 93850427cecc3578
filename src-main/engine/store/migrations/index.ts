// Every migration, in order. Append new files here; never edit one that has shipped.
import type { Migration } from './migration';
import { migration0001Library } from './0001_library';
import { migration0002Serving } from './0002_serving';
import { migration0003LoadTests } from './0003_loadtests';
import { migration0004Datasets } from './0004_datasets';
import { migration0005Comparisons } from './0005_comparisons';
import { migration0006Rollouts } from './0006_rollouts';
import { migration0007ReferenceProfiles } from './0007_reference_profiles';

export const MIGRATIONS: readonly Migration[] = [
  migration0001Library,
  migration0002Serving,
  migration0003LoadTests,
  migration0004Datasets,
  migration0005Comparisons,
  migration0006Rollouts,
  migration0007ReferenceProfiles,
];
export type { Migration };
