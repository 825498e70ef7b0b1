/**
 * A procedural RGB dataset that needs no files: one coloured shape (circle, square or triangle) on a
 * textured background, label = shape class. Every image is drawn from the caller's seeds, so RGB training,
 * grids and the folder loader can be exercised without any download.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import { SeedStream } from '../random.js';
import { checkCount, checkOptions, checkSeeds } from '../validate.js';
import type { LabelledImageDataset } from './labelled-images.js';

/** The shape classes, in label order. */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle'] as const;

/** The parameters of one shapes image (all in units of the image side, colours in [0, 1]). */
export interface ShapeParams {
  /** 0 circle, 1 square, 2 triangle. */
  shape: number;
  /** Centre (cx, cy) in [0, 1]², x to the right, y down. */
  cx: number;
  cy: number;
  /** Circumradius of the shape (the circle's radius; the square's half-diagonal; the triangle's circumradius). */
  radius: number;
  /** Rotation in radians (square and triangle). */
  angle: number;
  /** Shape colour, RGB in [0, 1]. */
  color: readonly [number, number, number];
  /** Background base and stripe colours, RGB in [0, 1]. */
  background: readonly [number, number, number];
  stripes: readonly [number, number, number];
  /** Stripe direction (radians), period (in image sides) and phase. */
  stripeAngle: number;
  stripePeriod: number;
  stripePhase: number;
}

/** Options of {@link shapesDataset}. */
export interface ShapesDatasetOptions {
  /** Image side in pixels (≥ 8). @default 32 */
  size?: number;
}

/** Whether point (u, v) (image units) lies inside the shape. */
function inside(p: ShapeParams, u: number, v: number): boolean {
  const dx = u - p.cx;
  const dy = v - p.cy;
  if (p.shape === 0) return dx * dx + dy * dy <= p.radius * p.radius;
  const c = Math.cos(-p.angle);
  const s = Math.sin(-p.angle);
  const x = c * dx - s * dy;
  const y = s * dx + c * dy;
  if (p.shape === 1) {
    const half = p.radius * Math.SQRT1_2;
    return Math.abs(x) <= half && Math.abs(y) <= half;
  }
  // Equilateral triangle with circumradius r: inside all three edges at distance r/2 from the centre.
  for (let k = 0; k < 3; k++) {
    const a = (2 * Math.PI * k) / 3 + Math.PI / 2;
    if (x * Math.cos(a) + y * Math.sin(a) > p.radius / 2) return false;
  }
  return true;
}

/**
 * Renders one image from its parameters: `size × size × 3` values in [−1, 1] (row-major) and the shape's
 * coverage per pixel in [0, 1] (4×4 supersampling, so edges are anti-aliased and the coverage sums to the
 * shape's area in pixels up to the sampling error).
 *
 * @example
 * ```ts
 * const { image, coverage } = renderShape(params, 32);
 * ```
 */
export function renderShape(p: ShapeParams, size: number): { image: Float32Array; coverage: Float32Array } {
  const image = new Float32Array(size * size * 3);
  const coverage = new Float32Array(size * size);
  const ss = 4;
  const ca = Math.cos(p.stripeAngle);
  const sa = Math.sin(p.stripeAngle);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let hit = 0;
      for (let a = 0; a < ss; a++) {
        for (let b = 0; b < ss; b++) {
          if (inside(p, (j + (b + 0.5) / ss) / size, (i + (a + 0.5) / ss) / size)) hit++;
        }
      }
      const cov = hit / (ss * ss);
      const u = (j + 0.5) / size;
      const v = (i + 0.5) / size;
      const stripe = 0.5 + 0.5 * Math.sin((2 * Math.PI * (u * ca + v * sa)) / p.stripePeriod + p.stripePhase);
      coverage[i * size + j] = cov;
      for (let ch = 0; ch < 3; ch++) {
        const bg = p.background[ch]! + stripe * (p.stripes[ch]! - p.background[ch]!);
        image[(i * size + j) * 3 + ch] = 2 * (cov * p.color[ch]! + (1 - cov) * bg) - 1;
      }
    }
  }
  return { image, coverage };
}

/** A saturated colour of hue h ∈ [0, 1) at value `value`. */
function hue(h: number, value: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return value * (1 - Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}

/**
 * Draws the parameters of one image from `rng`: a uniformly random class, centre in [0.3, 0.7]², radius in
 * [0.2, 0.32] of the side, any rotation; a bright saturated shape colour on a dark, low-contrast striped
 * background of another hue.
 */
export function drawShapeParams(rng: SeedStream): ShapeParams {
  const shape = Math.min(2, Math.floor(rng.uniform() * 3));
  const h = rng.uniform();
  const bgHue = (h + 0.25 + 0.5 * rng.uniform()) % 1;
  const dim = 0.25 + 0.2 * rng.uniform();
  return {
    shape,
    cx: 0.3 + 0.4 * rng.uniform(),
    cy: 0.3 + 0.4 * rng.uniform(),
    radius: 0.2 + 0.12 * rng.uniform(),
    angle: 2 * Math.PI * rng.uniform(),
    color: hue(h, 0.85 + 0.15 * rng.uniform()),
    background: hue(bgHue, dim).map((c) => 0.5 * c + 0.1) as [number, number, number],
    stripes: hue(bgHue, dim + 0.15).map((c) => 0.5 * c + 0.15) as [number, number, number],
    stripeAngle: Math.PI * rng.uniform(),
    stripePeriod: 0.12 + 0.2 * rng.uniform(),
    stripePhase: 2 * Math.PI * rng.uniform(),
  };
}

/**
 * The procedural shapes dataset: `[size, size, 3]` RGB images in [−1, 1], 3 classes (`'circle'`,
 * `'square'`, `'triangle'`), infinitely many (each `sample` call renders new images from the seeds).
 *
 * @example
 * ```ts
 * const shapes = shapesDataset({ size: 16 });
 * const { x, labels } = shapes.sampleLabelled(8, new SeedStream(0)); // [8, 16, 16, 3], int32 [8]
 * ```
 */
export function shapesDataset(options?: ShapesDatasetOptions): LabelledImageDataset {
  const fn = 'shapesDataset';
  const opts = checkOptions(fn, options, ['size']);
  const size = checkNumber(fn, 'options.size', opts.size ?? 32, { integer: true, min: 8, max: 1024 });
  return {
    name: 'shapes',
    description: `shapes: procedural ${size}×${size} RGB circles, squares and triangles on striped backgrounds, in [−1, 1]`,
    eventShape: Object.freeze([size, size, 3] as [number, number, number]),
    numClasses: 3,
    classNames: SHAPE_CLASSES,
    size: undefined,
    sample(n, seeds) {
      const { x, labels } = this.sampleLabelled(n, seeds);
      labels.dispose();
      return x;
    },
    sampleLabelled(n, seeds) {
      checkCount('shapes.sampleLabelled', 'n', n);
      checkSeeds('shapes.sampleLabelled', seeds);
      const rng = new SeedStream(seeds.next());
      const per = size * size * 3;
      const images = new Float32Array(n * per);
      const labels = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const p = drawShapeParams(rng);
        images.set(renderShape(p, size).image, k * per);
        labels[k] = p.shape;
      }
      return { x: tf.tensor4d(images, [n, size, size, 3], 'float32'), labels: tf.tensor1d(labels, 'int32') };
    },
  };
}
