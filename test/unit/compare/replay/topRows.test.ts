// The explorer keeps the N highest-ranked rows of any stream: by rank, then tie-break, then the earlier row.
import { describe, expect, it } from 'vitest';
import { TopRows, type Ranked } from '../../../../src-main/engine/compare/replay/topRows';

describe('TopRows', () => {
  it('keeps the highest ranks of a long stream, best first', () => {
    const top = new TopRows<Ranked>(5);
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    values.forEach((v, row) => top.offer({ rank: v, tie: 0, row }));
    expect(top.sorted().map((i) => i.rank)).toEqual([999, 998, 997, 996, 995]);
  });

  it('ranks by rank, then by tie-break; equal ones go to the earlier row', () => {
    const top = new TopRows<Ranked>(3);
    top.offer({ rank: 1, tie: 0.9, row: 0 });
    top.offer({ rank: 3, tie: 0.1, row: 1 });
    top.offer({ rank: 3, tie: 0.5, row: 2 });
    top.offer({ rank: 1, tie: 0.9, row: 3 });
    top.offer({ rank: 2, tie: 0.0, row: 4 });
    expect(top.sorted().map((i) => i.row)).toEqual([2, 1, 4]);
    expect(top.accepts(1, 0.9, 5)).toBe(false);
    expect(top.accepts(2, 0.0, 3)).toBe(true);
  });

  it('keeps nothing with a limit of 0', () => {
    const top = new TopRows<Ranked>(0);
    top.offer({ rank: 1, tie: 0, row: 0 });
    expect(top.sorted()).toEqual([]);
  });
});
