// The live "what will be written": asks the engine for the plan of the request a moment after the choices stop
// changing, drops answers to requests that are no longer current, and keeps the plan's refusal as an error.
import { useEffect, useState } from 'react';
import type { ExportPlan, ExportRequestInput } from '../../../src-shared/contract';
import type { ApiClient } from '../api/client';

const DEBOUNCE_MS = 250;

export interface PlanState {
  plan: ExportPlan | null;
  error: string | null;
  /** The plan shown is not yet the plan of the current choices. */
  pending: boolean;
  /** The engine's default folder for the version (from a plan asked without a folder). */
  defaultOutDir: string | null;
}

/** `refresh` changes to ask again for the same request (after an export filled the folder, say). */
export function useExportPlan(
  client: ApiClient | null,
  request: ExportRequestInput | null,
  refresh: unknown,
): PlanState {
  const key = request ? JSON.stringify(request) : null;
  const [state, setState] = useState<PlanState & { defaultFor: string | null }>({
    plan: null,
    error: null,
    pending: false,
    defaultOutDir: null,
    defaultFor: null,
  });
  const ref = request ? `${request.model}:${request.version}` : null;

  useEffect(() => {
    if (!client || key === null) {
      setState((s) => ({ ...s, plan: null, error: null, pending: false }));
      return;
    }
    const body = JSON.parse(key) as ExportRequestInput;
    const controller = new AbortController();
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      client.call('exportPlan', { body, signal: controller.signal }).then(
        (plan) =>
          setState((s) => ({
            plan,
            error: null,
            pending: false,
            ...(body.outDir === undefined
              ? { defaultOutDir: plan.outDir, defaultFor: `${body.model}:${body.version}` }
              : { defaultOutDir: s.defaultOutDir, defaultFor: s.defaultFor }),
          })),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState((s) => ({
            ...s,
            plan: null,
            error: error instanceof Error ? error.message : String(error),
            pending: false,
          }));
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, key, refresh]);

  const { plan, error, pending, defaultOutDir, defaultFor } = state;
  return { plan, error, pending, defaultOutDir: defaultFor === ref ? defaultOutDir : null };
}
