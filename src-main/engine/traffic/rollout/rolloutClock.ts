// The controller's notion of time: the wall clock when live, a virtual clock that a rehearsal (or a test)
// moves by hand, so a plan of minutes runs in milliseconds and the same seed gives the same decisions.

export interface RolloutClock {
  /** Milliseconds on this clock's time line (Date.now() for the system clock). */
  now(): number;
}

export const systemClock: RolloutClock = { now: () => Date.now() };

export class VirtualClock implements RolloutClock {
  constructor(private ms = 0) {}

  now(): number {
    return this.ms;
  }

  /** Moves to `ms`; time never goes back. */
  set(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }

  advance(ms: number): void {
    this.ms += Math.max(0, ms);
  }
}
