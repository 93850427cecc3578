// A simulated M/M/1 server as a LevelRunner: Poisson arrivals at the offered rate, one FIFO server with
// exponential service times. Its p99 is known in closed form, so it is the ground truth the capacity search is
// tested against, and it shows what the search should find on a real single-queue server.
import { mulberry32 } from '../../../../src-shared/seededRandom';
import type { LevelRunner, WindowResult } from './capacitySearch';

const LN_100 = Math.log(100);

/**
 * True p99 of the time in system (queue + service) for arrival rate λ < service rate μ: the sojourn time of
 * FIFO M/M/1 is exponential with rate μ − λ, so p99 = ln(100) / (μ − λ). Infinite at or beyond μ.
 */
export function mm1P99Ms(arrivalRate: number, serviceRate: number): number {
  return arrivalRate >= serviceRate ? Infinity : (LN_100 / (serviceRate - arrivalRate)) * 1000;
}

/** The highest arrival rate whose p99 meets a budget: λ* = μ − ln(100) / B (null when even λ → 0 misses it). */
export function mm1CapacityRate(serviceRate: number, budgetMs: number): number | null {
  const rate = serviceRate - LN_100 / (budgetMs / 1000);
  return rate > 0 ? rate : null;
}

export interface Mm1Options {
  /** μ, requests/s. */
  serviceRate: number;
  seed?: number;
}

interface Customer {
  arrival: number;
  departure: number;
}

/**
 * Time is virtual (seconds) and runs on from window to window, queue included, so above μ the backlog and the
 * p99 grow without bound while achieved stays near μ. When the rate changes the queue is emptied first: the
 * simulated runner lets the server drain between levels, so one level's overload does not leak into the next.
 */
export class Mm1Simulation implements LevelRunner {
  private readonly random: () => number;
  private readonly serviceRate: number;
  private now = 0;
  private rate: number | null = null;
  private nextArrival = 0;
  private serverFreeAt = 0;
  private queue: Customer[] = [];
  private head = 0;

  constructor(options: Mm1Options) {
    if (!(options.serviceRate > 0)) throw new RangeError('the service rate must be above 0 requests/s');
    this.serviceRate = options.serviceRate;
    this.random = mulberry32(options.seed ?? 1);
  }

  /** Exponential with the given rate; 1 − u keeps the logarithm finite. */
  private exponential(rate: number): number {
    return -Math.log(1 - this.random()) / rate;
  }

  async runWindow(rate: number, seconds: number): Promise<WindowResult> {
    if (!(rate > 0) || !(seconds > 0)) throw new RangeError('a window needs a rate and a length above 0');
    const start = this.now;
    const end = start + seconds;
    if (rate !== this.rate) {
      this.rate = rate;
      this.queue = [];
      this.head = 0;
      this.serverFreeAt = start;
      this.nextArrival = start + this.exponential(rate);
    }
    let arrivals = 0;
    while (this.nextArrival < end) {
      const departure = Math.max(this.nextArrival, this.serverFreeAt) + this.exponential(this.serviceRate);
      this.serverFreeAt = departure;
      this.queue.push({ arrival: this.nextArrival, departure });
      arrivals++;
      this.nextArrival += this.exponential(rate);
    }
    // FIFO with one server: departures leave in arrival order, so the finished ones are a prefix of the queue.
    const latencies: number[] = [];
    while (this.head < this.queue.length && this.queue[this.head]!.departure < end) {
      const c = this.queue[this.head++]!;
      latencies.push((c.departure - c.arrival) * 1000);
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.now = end;
    // Exact order statistics (nearest rank, as HdrHistogram ranks): the simulation can afford to sort.
    const sorted = Float64Array.from(latencies).sort();
    const at = (percentile: number) =>
      sorted.length === 0 ? null : sorted[Math.max(1, Math.ceil((percentile / 100) * sorted.length)) - 1]!;
    return {
      offeredRate: arrivals / seconds,
      achievedRate: sorted.length / seconds,
      p50Ms: at(50),
      p99Ms: at(99),
      errorRate: 0,
    };
  }
}
