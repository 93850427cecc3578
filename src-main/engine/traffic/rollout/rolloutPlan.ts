// Reading what a person asks for: a plan (with the first problem named by where it is), and the two versions
// of a rollout (the baseline defaults to the production version, else the newest one below the candidate).
import {
  RolloutPlanSchema,
  type ModelVersion,
  type RolloutPlan,
  type RolloutPlanInput,
} from '../../../../src-shared/contract';
import type { ModelLibrary } from '../../library/modelLibrary';
import { UserError } from '../../userError';

export function parsePlan(input: RolloutPlanInput | unknown): RolloutPlan {
  const parsed = RolloutPlanSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.map(String).join('.');
  throw new UserError('bad-input', `invalid rollout plan: ${where ? `${where}: ` : ''}${issue.message}`);
}

export interface RolloutVersions {
  baseline: ModelVersion;
  candidate: ModelVersion;
}

export function resolveVersions(
  library: ModelLibrary,
  model: string,
  candidate: number,
  baseline?: number,
): RolloutVersions {
  const cand = library.get({ name: model, version: candidate });
  let base: ModelVersion;
  if (baseline !== undefined) {
    base = library.get({ name: model, version: baseline });
  } else {
    const others = library.versionsOf(model).filter((v) => v.version !== cand.version);
    const production = others.filter((v) => v.stage === 'production');
    const older = others.filter((v) => v.version < cand.version);
    const chosen = production.at(-1) ?? older.at(-1);
    if (!chosen) {
      throw new UserError(
        'bad-input',
        `${cand.model} has no other version to roll ${cand.model}:${cand.version} out against; import one or give --baseline`,
      );
    }
    base = chosen;
  }
  if (base.version === cand.version) {
    throw new UserError(
      'bad-input',
      `the candidate and the baseline are both version ${cand.version}: pick two versions`,
    );
  }
  return { baseline: base, candidate: cand };
}
