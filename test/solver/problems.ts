/**
 * Test problems with exact solutions, shared by the solver and scheme tests.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { StepContext, Term } from '../../src/solver/types.js';

/** Rotation with decay: y' = A y, A = [[−λ, −ω], [ω, −λ]] (rows of y are the batch). */
export function rotationDecay(lambda = 0.5, omega = 2) {
  const initial = [
    [1, 0],
    [0, 1],
    [0.5, -0.3],
  ];
  const term: Term = {
    // Row vectors: y' = y Aᵀ.
    drift: (_t, y) => tf.matMul(y, tf.tensor2d([[-lambda, omega], [-omega, -lambda]])),
  };
  const exact = (t0: number, t1: number, rows: number[][] = initial): number[][] => {
    const dt = t1 - t0;
    const d = Math.exp(-lambda * dt);
    const c = Math.cos(omega * dt);
    const s = Math.sin(omega * dt);
    return rows.map(([a, b]) => [d * (a! * c - b! * s), d * (a! * s + b! * c)]);
  };
  return { term, initial, exact };
}

/** Nonlinear, time-dependent scalar ODE: y' = −2t y², y(t) = 1 / (1/y(t0) + t² − t0²). */
export function riccati() {
  const initial = [[1], [0.5], [2]];
  const term: Term = { drift: (t, y) => tf.mul(tf.square(y), -2 * t) };
  const exact = (t0: number, t1: number, rows: number[][] = initial): number[][] =>
    rows.map(([y]) => [1 / (1 / y! + t1 * t1 - t0 * t0)]);
  return { term, initial, exact };
}

/** Largest absolute deviation between a tensor and expected rows. */
export function maxAbsError(actual: tf.Tensor, expected: number[][]): number {
  const data = actual.dataSync();
  const flat = expected.flat();
  if (data.length !== flat.length) throw new Error(`size ${data.length} != ${flat.length}`);
  let worst = 0;
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(data[i]! - flat[i]!));
  return worst;
}

/** Least-squares slope of log(err) against log(h). */
export function fitSlope(hs: number[], errors: number[]): number {
  const x = hs.map(Math.log);
  const y = errors.map(Math.log);
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return num / den;
}

/**
 * Exact mean and variance at t1 of dX = −θ X dt + σ(t) dW from X(t0) = x0:
 * mean = x0·e^{−θ(t1−t0)}, variance = ∫ e^{−2θ(t1−s)} σ(s)² ds (Simpson's rule, 2000 intervals).
 */
export function ouExact(theta: number, sigma: (t: number) => number, x0: number, t0: number, t1: number) {
  const n = 2000;
  const h = (t1 - t0) / n;
  const f = (s: number) => Math.exp(-2 * theta * (t1 - s)) * sigma(s) ** 2;
  let sum = f(t0) + f(t1);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(t0 + i * h);
  return { mean: x0 * Math.exp(-theta * (t1 - t0)), variance: (sum * h) / 3 };
}

/**
 * Sample mean and unbiased variance with their standard errors: SE(mean) = √(s²/n) and
 * SE(s²) = √((m4 − s⁴ (n − 3)/(n − 1)) / n), with m4 the sample fourth central moment.
 */
export function moments(values: ArrayLike<number>) {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    m2 += d * d;
    m4 += d ** 4;
  }
  const variance = m2 / (n - 1);
  m4 /= n;
  return {
    mean,
    variance,
    seMean: Math.sqrt(variance / n),
    seVariance: Math.sqrt((m4 - (variance * variance * (n - 3)) / (n - 1)) / n),
  };
}

/** A step context for calling a scheme's `step` directly (no noise, no draws). */
export function plainContext(y: tf.Tensor, dW?: tf.Tensor): StepContext {
  const fail = () => {
    throw new Error('this test context has no random source');
  };
  return { dW, step: 0, batch: y.shape[0]!, eventShape: y.shape.slice(1), random: { uniform: fail, normal: fail } };
}
