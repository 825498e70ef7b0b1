import { describe, expect, it } from 'vitest';
import { isLabelledDistribution } from '../../src/distributions/check.js';
import { ArgumentError } from '../../src/errors.js';
import { drawShapeParams, renderShape, shapesDataset, type ShapeParams } from '../../src/images/shapes-dataset.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const base: ShapeParams = {
  shape: 0,
  cx: 0.5,
  cy: 0.5,
  radius: 0.3,
  angle: 0.4,
  color: [1, 0, 0],
  background: [0, 0, 0.2],
  stripes: [0, 0, 0.2],
  stripeAngle: 0,
  stripePeriod: 0.2,
  stripePhase: 0,
};

describe('shapesDataset', () => {
  it('renders each shape with the area of its closed form', () => {
    const size = 64;
    const r = base.radius * size;
    const areas = [Math.PI * r * r, 2 * r * r, ((3 * Math.sqrt(3)) / 4) * r * r]; // circle, square (half-diagonal r), triangle (circumradius r)
    [0, 1, 2].forEach((shape) => {
      const { coverage, image } = renderShape({ ...base, shape }, size);
      const area = coverage.reduce((s, c) => s + c, 0);
      expect(Math.abs(area - areas[shape]!) / areas[shape]!).toBeLessThan(0.01);
      // Inside pixels have the shape colour (red = (1, −1, −1)); outside the flat background (−1, −1, −0.6).
      const centre = ((size / 2) * size + size / 2) * 3;
      expectAllClose(Array.from(image.subarray(centre, centre + 3)), [1, -1, -1], { atol: 1e-6 });
      expectAllClose(Array.from(image.subarray(0, 3)), [-1, -1, -0.6], { atol: 1e-6 });
    });
  });

  it('samples seeded [n, s, s, 3] batches in [−1, 1] with labels matching the drawn shapes', async () => {
    const data = shapesDataset({ size: 16 });
    expect(data.eventShape).toEqual([16, 16, 3]);
    expect(data.numClasses).toBe(3);
    expect(data.classNames).toEqual(['circle', 'square', 'triangle']);
    const a = data.sampleLabelled(300, new SeedStream(9));
    const b = data.sampleLabelled(300, new SeedStream(9));
    expect(a.x.shape).toEqual([300, 16, 16, 3]);
    expectAllClose(a.x, b.x, { atol: 0 });
    const marginal = data.sample(300, new SeedStream(9));
    expectAllClose(marginal, a.x, { atol: 0 });
    marginal.dispose();
    expect(isLabelledDistribution(data)).toBe(true);
    const v = a.x.dataSync();
    expect(v.every((x) => x >= -1 && x <= 1)).toBe(true);
    // The labels are the classes drawn by the same stream of parameters.
    const outer = new SeedStream(9);
    const rng = new SeedStream(outer.next());
    const expected = Array.from({ length: 300 }, () => drawShapeParams(rng).shape);
    expect(Array.from(a.labels.dataSync())).toEqual(expected);
    const counts = [0, 1, 2].map((k) => expected.filter((y) => y === k).length);
    // Uniform classes: each count ~ Binomial(300, 1/3), sd 8.2; allow 4 sd.
    for (const c of counts) expect(Math.abs(c - 100)).toBeLessThan(33);
    for (const t of [a.x, a.labels, b.x, b.labels]) t.dispose();
    await expectNoLeaks(() => data.sample(4, new SeedStream(1)));
  });

  it('rejects bad sizes and counts', () => {
    expect(() => shapesDataset({ size: 4 })).toThrow(/options.size' must be a finite integer >= 8/);
    expect(() => shapesDataset({ side: 8 } as never)).toThrow(ArgumentError);
    expect(() => shapesDataset().sample(0, new SeedStream(1))).toThrow(/shapes.sampleLabelled: argument 'n'/);
  });
});
