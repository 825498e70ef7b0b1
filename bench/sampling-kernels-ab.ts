/**
 * A/B of the SIMD swish and SIMD GEMM switches in RK4 sampling (10,000 points, MLP 3×128 swish, 20 steps),
 * interleaved rounds in one process, medians of the wall clock in ms per NFE per 1000 points:
 *   T=1 npx tsx bench/sampling-kernels-ab.ts      (T = wasm threads)
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { timeConditionedMlp } from '../models/mlp.js';
import { modelField } from '../models/model-field.js';
import { sampleOde } from '../samplers/probability-flow.js';
import { setSimdSwish } from '../src/kernels/wasm-simd-swish.js';
import { setSimdGemm } from '../src/kernels/wasm-simd-gemm.js';
await initBackend('wasm', { log: null, threads: Number(process.env.T ?? 1) });
const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, seed: 0 });
const velocity = modelField(model);
const n = 10000;
const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
const variants: Record<string, () => void> = {
  'swish simd, gemm simd': () => { setSimdSwish(true); setSimdGemm(true); },
  'swish xnn, gemm simd': () => { setSimdSwish(false); setSimdGemm(true); },
  'swish simd, gemm xnn': () => { setSimdSwish(true); setSimdGemm(false); },
  'swish xnn, gemm xnn': () => { setSimdSwish(false); setSimdGemm(false); },
};
const names = Object.keys(variants);
const once = async (name: string) => { variants[name]!(); const t0 = performance.now(); const sol = await sampleOde(x0, { velocity, scheme: 'rk4', steps: 20 }); await sol.y.data(); const ms = performance.now() - t0; const nfe = sol.stats.nfe; sol.dispose(); return ms / nfe / (n / 1000); };
for (const nm of names) await once(nm);
const s: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
for (let r = 0; r < 7; r++) for (let j = 0; j < names.length; j++) { const nm = names[(j + r) % names.length]!; s[nm]!.push(await once(nm)); }
const med = (a: number[]) => a.slice().sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
for (const nm of names) console.log(`T=${process.env.T ?? 1} ${nm}: ${med(s[nm]!).toFixed(3)} ms/NFE/1000`);
