import { describe, expect, it } from 'vitest';
import { ouBridge, ouStationaryCovariance, ouStepCovariance, ouTransition } from '../../src/fbm/ou-factors.js';
import { speedGrid } from '../../src/fbm/speed-grid.js';

type M = Float64Array;
const K = 5;
const mul = (a: M, b: M): M => {
  const c = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) c[i * K + j]! += a[i * K + k]! * b[k * K + j]!;
  return c;
};
const tr = (a: M): M => {
  const c = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) c[j * K + i] = a[i * K + j]!;
  return c;
};
const add = (...ms: M[]): M => ms.reduce((s, m) => s.map((v, i) => v + m[i]!));
const diag = (d: ArrayLike<number>): M => {
  const c = new Float64Array(K * K);
  for (let i = 0; i < K; i++) c[i * K + i] = d[i]!;
  return c;
};
/** max |a − b| / max |b|. */
const relDiff = (a: M, b: M) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / Math.max(...b.map(Math.abs));

describe('OU factor laws', () => {
  const gammas = speedGrid({ K, gammaMax: 20 });

  it('transitions compose: E(h2) S(h1) E(h2) + S(h2) = S(h1 + h2), and F Fᵀ = S(h)', () => {
    for (const [h1, h2] of [
      [0.3, 0.7],
      [1e-4, 2e-3],
    ]) {
      const e2 = diag(gammas.map((g) => Math.exp(-g * h2)));
      expect(relDiff(add(mul(mul(e2, ouStepCovariance(gammas, h1)), e2), ouStepCovariance(gammas, h2)), ouStepCovariance(gammas, h1 + h2))).toBeLessThan(1e-14);
      const { factor } = ouTransition(gammas, h1);
      expect(relDiff(mul(factor, tr(factor)), ouStepCovariance(gammas, h1))).toBeLessThan(1e-12);
    }
    // the stationary law is invariant: E P E + S(h) = P
    const e = diag(gammas.map((g) => Math.exp(-g * 0.37)));
    const p = ouStationaryCovariance(gammas);
    expect(relDiff(add(mul(mul(e, p), e), ouStepCovariance(gammas, 0.37)), p)).toBeLessThan(1e-14);
  });

  it('the bridge reproduces the exact joint law of (Y(l), Y(m), Y(r)) at every tree level', () => {
    // Y(l) ~ N(0, P) (stationary), Y(m) = E1 Y(l) + ξ1, Y(r) = E2 Y(m) + ξ2: exact joint covariances.
    const p = ouStationaryCovariance(gammas);
    let worst = 0;
    for (const [h1, h2] of [
      [0.5, 0.5],
      [0.25, 0.75],
      [1 / 64, 1 / 64],
      [2 ** -20, 2 ** -20],
      [3e-7, 1e-6],
    ]) {
      const e1 = diag(gammas.map((g) => Math.exp(-g * h1)));
      const e2 = diag(gammas.map((g) => Math.exp(-g * h2)));
      const s1 = ouStepCovariance(gammas, h1);
      const covMM = add(mul(mul(e1, p), e1), s1);
      const covML = mul(e1, p);
      const covRL = mul(e2, covML);
      const covRM = mul(e2, covMM);
      const covRR = add(mul(mul(e2, covMM), e2), ouStepCovariance(gammas, h2));
      const { left, right, factor } = ouBridge(gammas, h1, h2);
      // implied by Y(m) = left Y(l) + right Y(r) + F z
      const impliedML = add(mul(left, p), mul(right, covRL));
      const impliedMR = add(mul(left, tr(covRL)), mul(right, covRR));
      const impliedMM = add(mul(mul(left, p), tr(left)), mul(mul(left, tr(covRL)), tr(right)), mul(mul(right, covRL), tr(left)), mul(mul(right, covRR), tr(right)), mul(factor, tr(factor)));
      const errs = [relDiff(impliedML, covML), relDiff(impliedMR, tr(covRM)), relDiff(impliedMM, covMM)];
      worst = Math.max(worst, ...errs);
      errs.forEach((e) => expect(e, `h1 = ${h1}, h2 = ${h2}`).toBeLessThan(1e-8));
    }
    console.info(`OU bridge: worst relative deviation of the implied joint covariance ${worst.toExponential(2)}`);
  });
});
