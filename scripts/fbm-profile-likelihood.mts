// Profile likelihood of H for the fbm-hurst data (docs/MATH.md §2.6), in float64: the exact fOU, the Euler chain
// of the augmented Markov system, and the chain with exact OU factor moves (the default of elboTask).
// Usage: npx tsx scripts/fbm-profile-likelihood.mts h=0.3 n=256 gmax=10 spo=2 seed=0 hs=0.25,0.3,0.35,0.4
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { sampleFouPaths, fouCovarianceMatrix } from '../src/fbm/fou.js';
import { optimalOmega } from '../src/fbm/optimal-omega.js';
import { speedGrid } from '../src/fbm/speed-grid.js';
import { choleskyWithRidge, choleskySolve } from '../src/fbm/dense.js';
await initBackend('cpu', { log: null });
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const H0 = Number(args.h ?? 0.3), M = Number(args.m ?? 20), N = Number(args.n ?? 64), noise = Number(args.noise ?? 0.02);
const gmax = Number(args.gmax ?? 20), K = Number(args.k ?? 5), stepsPerObs = Number(args.spo ?? 2);
const T = Number(args.T ?? 1); const times = Array.from({ length: M }, (_, i) => ((i + 1) * T) / M);
const paths = sampleFouPaths({ hurst: H0, type: 'II', theta: 1, sigma: 1, times, samples: N, seed: 1 });
const eps = tf.randomNormal([N, M], 0, noise, 'float32', 2);
const obs = Array.from(tf.add(paths, eps).dataSync());
function chainCov(H: number, theta: number, steps: number): Float64Array {
  const g = speedGrid({ K, gammaMax: gmax }); const om = optimalOmega({ hurst: H, type: 'II', K, gammaMax: gmax, horizon: T }).omega;
  const n = K + 1, h = T / steps, wbar = om.reduce((a, b) => a + b, 0);
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  A[0][0] -= h * theta; for (let k = 0; k < K; k++) { A[0][k + 1] -= h * om[k] * g[k]; A[k + 1][k + 1] -= h * g[k]; }
  const G = [wbar, ...new Array(K).fill(1)];
  const mul = (X: number[][], Y: number[][]) => X.map((r) => Y[0].map((_, j) => r.reduce((a, v, k) => a + v * Y[k][j], 0)));
  const Ps: number[][][] = [Array.from({ length: n }, () => new Array(n).fill(0))];
  for (let s = 0; s < steps; s++) { const AP = mul(A, Ps[s]); Ps.push(AP.map((r, i) => A.map((ar, j) => r.reduce((a, v, k) => a + v * ar[k], 0) + h * G[i] * G[j]))); }
  const per = steps / M; const C = new Float64Array(M * M);
  for (let a = 0; a < M; a++) { let P = Ps[(a + 1) * per]; for (let b = a; b < M; b++) { if (b > a) for (let r = 0; r < per; r++) P = mul(A, P); C[a * M + b] = C[b * M + a] = P[0][0]; } }
  return C;
}
function chainCovExp(H: number, theta: number, steps: number): Float64Array {
  const g = speedGrid({ K, gammaMax: gmax }); const om = optimalOmega({ hurst: H, type: 'II', K, gammaMax: gmax, horizon: T }).omega;
  const n = K + 1, h = T / steps;
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  A[0][0] -= h * theta; for (let k = 0; k < K; k++) { A[0][k + 1] = om[k] * (Math.exp(-g[k] * h) - 1); A[k + 1][k + 1] = Math.exp(-g[k] * h); }
  const C = Array.from({ length: K }, (_, j) => Array.from({ length: K }, (_, k) => (1 - Math.exp(-(g[j] + g[k]) * h)) / (g[j] + g[k])));
  const Q = Array.from({ length: n }, () => new Array(n).fill(0));
  for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) { Q[j + 1][k + 1] = C[j][k]; Q[0][k + 1] += om[j] * C[j][k]; Q[0][0] += om[j] * C[j][k] * om[k]; }
  for (let k = 0; k < K; k++) Q[k + 1][0] = Q[0][k + 1];
  const mul = (X: number[][], Y: number[][]) => X.map((r) => Y[0].map((_, j) => r.reduce((a, v, k) => a + v * Y[k][j], 0)));
  const Ps: number[][][] = [Array.from({ length: n }, () => new Array(n).fill(0))];
  for (let s = 0; s < steps; s++) { const AP = mul(A, Ps[s]); Ps.push(AP.map((r, i) => A.map((ar, j) => r.reduce((a, v, k) => a + v * ar[k], 0) + Q[i][j]))); }
  const per = steps / M; const Cx = new Float64Array(M * M);
  for (let a = 0; a < M; a++) { let P = Ps[(a + 1) * per]; for (let b = a; b < M; b++) { if (b > a) for (let r = 0; r < per; r++) P = mul(A, P); Cx[a * M + b] = Cx[b * M + a] = P[0][0]; } }
  return Cx;
}
// exponential Euler for the factors with one noise, each factor's step variance matched: Y_k' = e_k Y_k + √c_k ΔW
function chainCovMatched(H: number, theta: number, steps: number): Float64Array {
  const g = speedGrid({ K, gammaMax: gmax }); const om = optimalOmega({ hurst: H, type: 'II', K, gammaMax: gmax, horizon: T }).omega;
  const n = K + 1, h = T / steps;
  const e = Array.from(g, (gk) => Math.exp(-gk * h)); const c = Array.from(g, (gk) => (1 - Math.exp(-2 * gk * h)) / (2 * gk * h));
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  A[0][0] -= h * theta; for (let k = 0; k < K; k++) { A[0][k + 1] = om[k] * (e[k] - 1); A[k + 1][k + 1] = e[k]; }
  const G = [om.reduce((a, w, k) => a + w * Math.sqrt(c[k]), 0), ...c.map(Math.sqrt)];
  const mul = (X: number[][], Y: number[][]) => X.map((r) => Y[0].map((_, j) => r.reduce((a, v, k) => a + v * Y[k][j], 0)));
  const Ps: number[][][] = [Array.from({ length: n }, () => new Array(n).fill(0))];
  for (let s = 0; s < steps; s++) { const AP = mul(A, Ps[s]); Ps.push(AP.map((r, i) => A.map((ar, j) => r.reduce((a, v, k) => a + v * ar[k], 0) + h * G[i] * G[j]))); }
  const per = steps / M; const Cx = new Float64Array(M * M);
  for (let a = 0; a < M; a++) { let P = Ps[(a + 1) * per]; for (let b = a; b < M; b++) { if (b > a) for (let r = 0; r < per; r++) P = mul(A, P); Cx[a * M + b] = Cx[b * M + a] = P[0][0]; } }
  return Cx;
}
function loglik(C: Float64Array, sigma: number): number {
  const S = C.map((v) => v * sigma * sigma); for (let i = 0; i < M; i++) S[i * M + i] += noise * noise;
  const L = choleskyWithRidge(S, M, 0)!; let ld = 0; for (let i = 0; i < M; i++) ld += 2 * Math.log(L[i * M + i]);
  let q = 0; for (let p = 0; p < N; p++) { const o = obs.slice(p * M, p * M + M); const x = choleskySolve(L, M, o); q += o.reduce((a, v, i) => a + v * x[i], 0); }
  return -0.5 * q - 0.5 * N * ld;
}
function best(covOf: (th: number) => Float64Array): { ll: number; theta: number; sigma: number } {
  let b = { ll: -Infinity, theta: 0, sigma: 0 };
  for (let th = 0; th <= Number(args.thmax ?? 3) + 1e-9; th += Number(args.thstep ?? 0.25)) { const C = covOf(th); for (let ls = -1.5; ls <= 1.5; ls += 0.05) { const ll = loglik(C, Math.exp(ls)); if (ll > b.ll) b = { ll, theta: th, sigma: Math.exp(ls) }; } }
  return b;
}
for (const H of (args.hs ?? '0.2,0.25,0.3,0.35,0.4,0.45,0.5,0.55,0.6,0.65,0.7,0.75,0.8').split(',').map(Number)) {
  const ex = best((th) => fouCovarianceMatrix({ hurst: H, type: 'II', theta: th, sigma: 1 }, times));
  const ch = best((th) => chainCov(H, th, M * stepsPerObs));
  const fine = args.fine ? best((th) => chainCov(H, th, M * 20)) : null;
  const ex2 = best((th) => chainCovExp(H, th, M * stepsPerObs));
  const mt = best((th) => chainCovMatched(H, th, M * stepsPerObs));
  console.log(`H ${H.toFixed(2)}  exact ll ${ex.ll.toFixed(1)} (θ ${ex.theta} σ ${ex.sigma.toFixed(2)})  euler${M * stepsPerObs} ll ${ch.ll.toFixed(1)} (θ ${ch.theta} σ ${ch.sigma.toFixed(2)})  expo ll ${ex2.ll.toFixed(1)} (θ ${ex2.theta} σ ${ex2.sigma.toFixed(2)})  matched ll ${mt.ll.toFixed(1)} (θ ${mt.theta} σ ${mt.sigma.toFixed(2)})` + (fine ? `  fine ll ${fine.ll.toFixed(1)}` : ''));
}
