// Long work (model and dataset imports, dataset exports, drift) as jobs: an id, progress, a result or an
// error, and cancel through an AbortSignal. Every change is published so the UI shows a live progress bar.
import { randomUUID } from 'node:crypto';
import type { FitProblem, ImportResult, Job } from '../../../src-shared/contract';
import { isUserError } from '../userError';

export interface JobContext {
  signal: AbortSignal;
  /** 0..1, or null when unknown; `message` says what is happening. */
  progress(fraction: number | null, message: string): void;
}

const KEEP_FINISHED = 100;

/** What a finished job carries besides its state: the field that fits its kind. */
export type JobOutcome = Pick<Job, 'result' | 'dataset' | 'drift' | 'rehearsal' | 'export' | 'bundleImport'>;

/** An error that says, line by line, why a file does not fit (the job lists them beside its message). */
function fitProblems(error: unknown): FitProblem[] | undefined {
  if (typeof error !== 'object' || error === null || !('problems' in error)) return undefined;
  const problems = (error as { problems: unknown }).problems;
  return Array.isArray(problems) && problems.length > 0 ? (problems as FitProblem[]) : undefined;
}

export class JobManager {
  private readonly jobs = new Map<string, { job: Job; controller: AbortController }>();

  constructor(private readonly publish: (job: Job) => void) {}

  start(kind: Job['kind'], message: string, work: (ctx: JobContext) => Promise<ImportResult>): Job {
    return this.startWith(kind, message, async (ctx) => ({ result: await work(ctx) }));
  }

  /** A job whose outcome is a dataset or a drift report rather than an imported model. */
  startWith(kind: Job['kind'], message: string, work: (ctx: JobContext) => Promise<JobOutcome>): Job {
    const controller = new AbortController();
    const job: Job = {
      id: randomUUID(),
      kind,
      state: 'running',
      progress: 0,
      message,
      createdAt: new Date().toISOString(),
    };
    this.jobs.set(job.id, { job, controller });
    this.prune();
    let lastPublished = 0;
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (fraction, text) => {
        job.progress = fraction;
        job.message = text;
        // Progress can fire per 4 MB chunk; a few updates a second are enough for a progress bar.
        const now = Date.now();
        if (now - lastPublished >= 100) {
          lastPublished = now;
          this.publish({ ...job });
        }
      },
    };
    this.publish({ ...job });
    work(ctx).then(
      (outcome) => this.finish(job, { state: 'succeeded', progress: 1, ...outcome }),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        const cancelled = controller.signal.aborted || (isUserError(error) && error.code === 'cancelled');
        const problems = fitProblems(error);
        this.finish(job, { state: cancelled ? 'cancelled' : 'failed', error: message, ...(problems && { problems }) });
      },
    );
    return { ...job };
  }

  list(): Job[] {
    return [...this.jobs.values()].map(({ job }) => ({ ...job })).reverse();
  }

  get(id: string): Job | undefined {
    const entry = this.jobs.get(id);
    return entry && { ...entry.job };
  }

  cancel(id: string): Job | undefined {
    const entry = this.jobs.get(id);
    if (entry?.job.state === 'running') entry.controller.abort();
    return entry && { ...entry.job };
  }

  /** Cancels every running job (the engine is shutting down). */
  cancelAll(): void {
    for (const { job, controller } of this.jobs.values()) if (job.state === 'running') controller.abort();
  }

  private finish(job: Job, update: Partial<Job>): void {
    Object.assign(job, update);
    job.message = job.state === 'succeeded' ? 'done' : job.state;
    this.publish({ ...job });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter(({ job }) => job.state !== 'running');
    for (const { job } of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(job.id);
  }
}
