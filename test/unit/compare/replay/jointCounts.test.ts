// Joint class counts: κ equals cohenKappa on the rows' codes, and the counts survive the switch from a dense
// matrix to maps when classes are many.
import { describe, expect, it } from 'vitest';
import { JointCounts } from '../../../../src-main/engine/compare/replay/jointCounts';
import { cohenKappa } from '../../../../src-main/engine/compare/stats/cohenKappa';
import { mulberry32 } from '../../../../src-shared/seededRandom';

function counted(a: Int32Array, b: Int32Array): JointCounts {
  const joint = new JointCounts();
  for (let i = 0; i < a.length; i++) joint.add(a[i]!, b[i]!);
  return joint;
}

function cells(joint: JointCounts): Map<string, number> {
  const out = new Map<string, number>();
  joint.forEachCell((a, b, count) => out.set(`${a},${b}`, count));
  return out;
}

describe('JointCounts', () => {
  const random = mulberry32(21);

  it('gives the same κ, agreement and totals as counting the codes directly', () => {
    const a = Int32Array.from({ length: 5_000 }, () => Math.floor(random() * 10));
    const b = a.map((x) => (random() < 0.9 ? x : Math.floor(random() * 12)));
    const joint = counted(a, b);
    expect(joint.kappa()).toBe(cohenKappa(a, b));
    expect(joint.total).toBe(5_000);
    expect(joint.agree).toBe(a.filter((x, i) => x === b[i]).length);
    const expected = new Map<string, number>();
    a.forEach((x, i) => expected.set(`${x},${b[i]}`, (expected.get(`${x},${b[i]}`) ?? 0) + 1));
    expect(cells(joint)).toEqual(expected);
    expect(joint.rowTotals[3]).toBe(a.filter((x) => x === 3).length);
    expect(joint.colTotals[11]).toBe(b.filter((x) => x === 11).length);
  });

  it('is NaN where cohenKappa is (one class on both sides)', () => {
    const same = new Int32Array(10).fill(2);
    expect(counted(same, same).kappa()).toBeNaN();
  });

  it('keeps every count past 1024 classes', () => {
    const a = Int32Array.from({ length: 4_000 }, (_, i) => (i * 7) % 1500);
    const b = Int32Array.from({ length: 4_000 }, (_, i) => (i % 3 === 0 ? (i * 7) % 1500 : i % 1300));
    const joint = counted(a, b);
    expect(joint.kappa()).toBe(cohenKappa(a, b));
    let total = 0;
    joint.forEachCell((_, __, count) => (total += count));
    expect(total).toBe(4_000);
  });
});
