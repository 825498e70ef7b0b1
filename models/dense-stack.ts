/**
 * A fast path for the time-conditioned MLP ({@link timeConditionedMlp}): its forward and backward pass as
 * one tape node instead of one per layer op, and, for inference at one shared time, the time features
 * folded into the first layer's bias.
 *
 * Same model, same weights, same serialisation: the fast path only replaces how `model.apply(tensors)`
 * runs. Under a gradient tape it computes the same float32 operations as tfjs-layers and tfjs's own
 * gradients, kernel for kernel (fused matmul with bias, sigmoid, multiply, or relu; the gradients'
 * transposed products, bias sums, the sigmoid derivative `dy·(y·(1 − y))` and relu's `dy·step(z)`), for
 * swish, tanh and relu hidden layers, so training gives bit-identical
 * losses; it saves the per-op tape bookkeeping (≈ 14 µs per op on wasm) and the layers' dispatch. Without
 * a tape (sampling) it runs the same forward ops directly; with every row at one t and
 * {@link setSharedTimeFolding} on, the first layer becomes x·W_x + (b + φ(t)·W_t) (φ the time
 * features), which differs from the plain path in the last bits (on by default; models reloaded by the
 * checkpoint loader take the same path, see the registration at the end of this file).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkOneOf, describeValue } from '../src/errors.js';
import { TimeFeatures } from './time-features.js';
import { simdSwishGrad } from '../src/kernels/wasm-swish-grad.js';
import { simdDenseBiasAfter } from '../src/kernels/wasm-simd-gemm.js';
import { simdSwish, simdSwishOutput } from '../src/kernels/wasm-simd-swish.js';
import { backendThreadCount } from '../src/kernels/wasm-simd-module.js';
import { gradientTapeRecording, tapeNode, tapeNodeOwningSaved, trackedTensorFromInfo } from '../src/tape-node.js';
import { directWasmKernels, jsTrigKernelsActive, WasmKernelScope } from '../src/kernels/wasm-direct.js';
import type { WasmBackendLike } from '../src/kernels/wasm-common.js';
import { registerDecodedModuleWrapper } from '../src/train/module-io.js';

/** When {@link withDenseStackFastPath} models take the fast path. */
export const DENSE_STACK_MODES = ['auto', 'on', 'off'] as const;

/**
 * `'auto'` (default): on the wasm backend only (where per-op overhead dominates; other backends keep the
 * ordinary layers); `'on'`: on every backend (tests compare it with the layers on cpu); `'off'`: never.
 */
export type DenseStackMode = (typeof DENSE_STACK_MODES)[number];

let mode: DenseStackMode = 'auto';

/**
 * Sets when dense-stack models take the fast path (process-wide; see {@link DenseStackMode}).
 *
 * @example
 * ```ts
 * setDenseStackMode('off'); // ordinary tfjs-layers from now on
 * ```
 */
export function setDenseStackMode(next: DenseStackMode): void {
  mode = checkOneOf('setDenseStackMode', 'mode', next, DENSE_STACK_MODES);
}

let foldSharedTime = true;

/**
 * Whether inference at one time shared by every row (what ODE/SDE samplers do) folds the time features
 * into the first layer's bias: x·W_x + (b + φ(t)·W_t) instead of [x, φ(t)]·W + b, with every bias fused
 * into its product. Same values to float32 accuracy (tested against the layers on cpu for each
 * activation, relative error ≲ 1e-6) but not bit-identical to the plain layers (`model.predict`, or
 * `setDenseStackMode('off')`) in the last bits. Models reloaded from a checkpoint take the same fast path
 * (`models/` registers it with the checkpoint loader), so a run's in-memory model and its reloaded copy
 * sample bit for bit alike either way. Measured (`SI_BENCH_TIMING_ONLY=1 npm run bench -- --only
 * sampling`: RK4, 10,000 points, MLP 3×128 swish, ms per evaluation per 1,000 points, medians of 3
 * interleaved processes on a loaded 2-core machine): one wasm thread, CPU time 3.41 folded against 3.93
 * unfolded (13% less; PyTorch 1.97); two threads (the sampling default), wall clock 12.7 against 18.4
 * (PyTorch's best 12.5). Pass `false` for outputs bit-identical to the plain layers.
 *
 * @param on - fold the time features at a shared t. @default true
 * @example
 * ```ts
 * setSharedTimeFolding(false); // the layers' values bit for bit
 * ```
 */
export function setSharedTimeFolding(on: boolean): void {
  foldSharedTime = on === true;
}

/** The current {@link DenseStackMode}. */
export function denseStackMode(): DenseStackMode {
  return mode;
}

/** Hidden activations the fast path reproduces exactly. */
type StackActivation = 'swish' | 'tanh' | 'relu';

/** The recognised structure of a time-conditioned MLP. */
export interface DenseStackSpec {
  /** Width of x. */
  dim: number;
  /** The time-feature layer, or null when t enters as is. */
  timeFeatures: TimeFeatures | null;
  /** Activation of every hidden layer. */
  activation: StackActivation;
  /** [kernel, bias] of each dense layer in order, the last one linear (the output). */
  layers: { kernel: tfl.LayerVariable; bias: tfl.LayerVariable }[];
}

/**
 * Recognises the graph {@link timeConditionedMlp} builds without labels and with one tower: inputs x
 * `[batch, dim]` and t `[batch, 1]`, optional time features, one concatenation, dense layers
 * `hidden_0 … hidden_{L−1}` with one activation and a linear `output`. Returns null for anything else.
 */
export function denseStackOf(model: tfl.LayersModel): DenseStackSpec | null {
  if (model.inputs.length !== 2 || model.outputs.length !== 1) return null;
  if (model.inputNames[0] !== 'x' || model.inputNames[1] !== 't') return null;
  const dim = model.inputs[0]!.shape[1];
  if (typeof dim !== 'number' || model.inputs[0]!.shape.length !== 2) return null;
  let timeFeatures: TimeFeatures | null = null;
  const dense: tfl.layers.Layer[] = [];
  let concats = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    if (layer instanceof TimeFeatures) timeFeatures = layer;
    else if (cls === 'Concatenate') concats++;
    else if (cls === 'Dense') dense.push(layer);
    else return null;
  }
  if (concats !== 1 || dense.length < 2) return null;
  const names = dense.map((l) => l.name);
  if (names[names.length - 1] !== 'output' || names.slice(0, -1).some((n, i) => n !== `hidden_${i}`)) return null;
  const configs = dense.map((l) => l.getConfig() as { activation?: string; useBias?: boolean });
  const activation = configs[0]!.activation;
  // tfjs-layers fuses relu (and elu) into the product with the bias; the fast path reproduces relu's fused
  // forward (no tape) and its unfused taped form (product, bias add, relu); elu keeps the layers.
  if (activation !== 'swish' && activation !== 'tanh' && activation !== 'relu') return null;
  if (configs.slice(0, -1).some((c) => c.activation !== activation) || configs[configs.length - 1]!.activation !== 'linear') return null;
  if (configs.some((c) => c.useBias === false)) return null;
  const layers = dense.map((l) => {
    const [kernel, bias] = l.trainableWeights as [tfl.LayerVariable, tfl.LayerVariable];
    return { kernel, bias };
  });
  if (layers.some((l) => l.kernel === undefined || l.bias === undefined)) return null;
  return { dim, timeFeatures, activation, layers };
}

/** Whether the fast path runs now (mode and backend). */
function active(): boolean {
  return mode === 'on' || (mode === 'auto' && tf.getBackend() === 'wasm');
}

/** The activation's forward ops, exactly as tfjs-layers applies them; returns [output, saved]. */
function activate(activation: StackActivation, z: tf.Tensor): [tf.Tensor, tf.Tensor] {
  switch (activation) {
    case 'swish': {
      // tfjs-layers: mul(sigmoid(mul(z, 1)), z); z·1 is exactly z.
      const s = tf.sigmoid(z);
      return [tf.mul(s, z), s];
    }
    case 'tanh': {
      const h = tf.tanh(z);
      return [h, h];
    }
    case 'relu':
      // What tf.fused.matMul does under a tape with activation 'relu': relu(add(matMul(a, b), bias)).
      return [tf.relu(z), z];
  }
}

/**
 * The activation's output alone (inference): {@link activate}'s, or for swish on a one-thread wasm backend
 * the SIMD kernel's `σ(z)·z` in one pass (the backend's Sigmoid and Multiply bit for bit;
 * src/kernels/wasm-simd-swish.ts). On a pool XNNPACK splits Sigmoid and Multiply over the threads, which
 * measured faster on the quiet machine (RK4 sampling, 10,000 points, 2 threads: 1.55 against 1.61 ms per NFE
 * per 1000 points, `T=2 npx tsx bench/sampling-kernels-ab.ts`).
 */
function activateOutput(activation: StackActivation, z: tf.Tensor): tf.Tensor {
  if (activation === 'swish' && directWasmKernels() && backendThreadCount(tf.backend() as unknown as WasmBackendLike) === 1) {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const h = simdSwishOutput(backend, z);
    if (h !== null) return trackedTensorFromInfo(h, backend);
  }
  return activate(activation, z)[0];
}

/** The gradient through the activation, exactly as tfjs's registered gradients compute it. */
function activationGrad(activation: StackActivation, dh: tf.Tensor, z: tf.Tensor, saved: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'swish': {
      // h = mul(s, z): ∂/∂s = dh·z, ∂/∂z = dh·s; sigmoid's gradient dy·(s·(1 − s)); mul(z, 1)'s gradient ·1.
      const s = saved;
      return tf.add(tf.mul(dh, s), tf.mul(tf.mul(dh, z), tf.mul(s, tf.sub(tf.scalar(1), s))));
    }
    case 'tanh':
      // tfjs: mul(sub(1, square(y)), dy).
      return tf.mul(tf.sub(tf.scalar(1), tf.square(saved)), dh);
    case 'relu':
      // tfjs's Relu gradient: mul(dy, step(cast(x, 'float32'))), x the pre-activation.
      return tf.mul(dh, tf.step(z));
  }
}

/** The network's input features [x, φ(t)] (the layers' own ops). */
function features(spec: DenseStackSpec, x: tf.Tensor, t: tf.Tensor): tf.Tensor {
  const phi = spec.timeFeatures ? (spec.timeFeatures.call(t) as tf.Tensor) : t;
  return tf.concat([x, phi], -1);
}

/**
 * Forward and backward as one tape node over (x, t, every kernel and bias). Like `tf.customGrad`, but
 * each input's gradient is a thunk, so the tape computes ∂/∂x and ∂/∂t only when something asks for them
 * (training asks for the weights only: one product and the time-feature chain rule saved per step).
 */
function trainingForward(spec: DenseStackSpec, x: tf.Tensor, t: tf.Tensor): tf.Tensor {
  const w = spec.layers.flatMap((l) => [l.kernel.read() as tf.Tensor, l.bias.read() as tf.Tensor]);
  const L = spec.layers.length;
  const inputMap: Record<string, tf.Tensor> = { 0: x, 1: t };
  w.forEach((v, i) => (inputMap[i + 2] = v));
  const forwardFunc = (_backend: unknown, save: (tensors: tf.Tensor[]) => void): tf.Tensor => {
    const input = features(spec, x, t);
    const inputs: tf.Tensor[] = [input];
    const zs: tf.Tensor[] = [];
    const acts: tf.Tensor[] = [];
    let h = input;
    for (let l = 0; l < L; l++) {
      if (l === L - 1) {
        // tfjs-layers fuses the bias of a linear layer into the product…
        h = tf.fused.matMul({ a: h, b: w[2 * l]!, bias: w[2 * l + 1]! });
        break;
      }
      // …but adds it separately before an unfused activation (a different rounding once the bias is ≠ 0):
      // swish and tanh through a fused product without bias (K.dot, then K.biasAdd), relu through
      // fused.matMul's taped fallback (matMul, add, relu).
      const product = spec.activation === 'relu' ? tf.matMul(h, w[2 * l]!) : tf.fused.matMul({ a: h, b: w[2 * l]! });
      const z = tf.add(product, w[2 * l + 1]!);
      zs.push(z);
      const [out, saved] = activate(spec.activation, z);
      acts.push(saved);
      h = out;
      inputs.push(h);
    }
    save([t, ...inputs, ...zs, ...acts]);
    return h;
  };
  const backwardsFunc = (dy: tf.Tensor, saved: tf.Tensor[]): Record<string, () => tf.Tensor> => {
    const ts = saved[0]!;
    const ins = saved.slice(1, 1 + L);
    const zSaved = saved.slice(1 + L, 1 + L + (L - 1));
    const aSaved = saved.slice(1 + L + (L - 1));
    const grads: tf.Tensor[] = new Array<tf.Tensor>(2 * L);
    let dz = dy;
    for (let l = L - 1; l >= 0; l--) {
      // The gradients tfjs registers for a fused product and a bias add: same kernels, same order.
      grads[2 * l] = tf.matMul(ins[l]!, dz, true, false);
      grads[2 * l + 1] = tf.sum(dz, 0);
      if (l > 0) dz = activationGrad(spec.activation, tf.matMul(dz, w[2 * l]!, false, true), zSaved[l - 1]!, aSaved[l - 1]!);
    }
    const dz0 = dz;
    const map: Record<string, () => tf.Tensor> = {
      0: () => inputGrads(spec, tf.matMul(dz0, w[0]!, false, true), ts)[0],
      1: () => inputGrads(spec, tf.matMul(dz0, w[0]!, false, true), ts)[1],
    };
    grads.forEach((g, i) => (map[i + 2] = () => g));
    return map;
  };
  return tapeNode({ forwardFunc, backwardsFunc, inputs: inputMap });
}

/** The attributes `tf.fused.matMul` passes to its kernel (no transposes, no activation). */
const FUSED_LINEAR = { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0.2 };

/** `tf.fused.matMul({ a, b, bias })` on rank-2 operands, kernel for kernel: 3-D views, the kernel, a 2-D view. */
function fusedProduct(k: WasmKernelScope, a: tf.TensorInfo, b: tf.TensorInfo, bias: tf.TensorInfo | undefined): tf.TensorInfo {
  const [n, inner] = a.shape as [number, number];
  const out = b.shape[1]!;
  const y = k.run('_FusedMatMul', { a: k.reshape(a, [1, n, inner]), b: k.reshape(b, [1, inner, out]), bias, preluActivationWeights: undefined }, FUSED_LINEAR);
  return k.reshape(y, [n, out]);
}

/**
 * The network's input rows [x, t, sin(t·ω), cos(t·ω)] in one pass over the batch, with the values of the
 * kernels they replace: a concatenation only copies; `Multiply` of float32 t and ω is the float32 product
 * (`Math.fround` of the exact double product); and the registered `Sin` / `Cos` (when
 * {@link jsTrigKernelsActive}) are `Math.sin` / `Math.cos` of that float32 value, rounded to float32 on
 * the store.
 */
function featureRows(k: WasmKernelScope, omegas: readonly number[], x: tf.TensorInfo, t: tf.TensorInfo): tf.TensorInfo {
  const [n, d] = x.shape as [number, number];
  const F = omegas.length;
  const width = d + 1 + 2 * F;
  const out = k.output([n, width]);
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  const xs = k.backend.typedArrayFromHeap(x);
  const ts = k.backend.typedArrayFromHeap(t);
  const dst = k.backend.typedArrayFromHeap(out);
  const w = Float32Array.from(omegas); // ω as tf.tensor2d stores it
  for (let i = 0; i < n; i++) {
    const o = i * width;
    for (let j = 0; j < d; j++) dst[o + j] = xs[i * d + j]!;
    const tv = ts[i]!;
    dst[o + d] = tv;
    for (let q = 0; q < F; q++) {
      const angle = Math.fround(tv * w[q]!);
      dst[o + d + 1 + q] = Math.sin(angle);
      dst[o + d + 1 + F + q] = Math.cos(angle);
    }
  }
  return out;
}

/**
 * {@link trainingForward} on the wasm backend: the same kernels on the same inputs with the same attributes
 * as the tf ops there (and so the same values bit for bit), called directly on the backend inside the node
 * (see src/kernels/wasm-direct.ts), and the saved tensors handed to the tape without `save`'s copies.
 * Each kernel call below names the tf op it stands for.
 */
function wasmTrainingForward(spec: DenseStackSpec, x: tf.Tensor, t: tf.Tensor): tf.Tensor {
  const w = spec.layers.flatMap((l) => [l.kernel.read() as tf.Tensor, l.bias.read() as tf.Tensor]);
  const L = spec.layers.length;
  const inputs: Record<string, tf.Tensor> = { 0: x, 1: t };
  w.forEach((v, i) => (inputs[i + 2] = v));
  const forward = (backend: unknown): { value: tf.Tensor; saved: tf.Tensor[] } => {
    const k = new WasmKernelScope(backend as WasmBackendLike);
    try {
      let input: tf.TensorInfo;
      if (spec.timeFeatures !== null && jsTrigKernelsActive()) {
        input = featureRows(k, spec.timeFeatures.angularFrequencies, x, t);
      } else {
        let phi: tf.TensorInfo = t;
        if (spec.timeFeatures !== null) {
          // TimeFeatures.call: concat([t, sin(t·ω), cos(t·ω)], 1)
          const omegas = spec.timeFeatures.angularFrequencies;
          const angles = k.run('Multiply', { a: t, b: k.tensor(omegas, [1, omegas.length]) });
          phi = k.run('Concat', [t, k.run('Sin', { x: angles }), k.run('Cos', { x: angles })], { axis: 1 });
        }
        input = k.run('Concat', [x, phi], { axis: -1 }); // concat([x, φ], -1)
      }
      const ins: tf.TensorInfo[] = [input];
      const zs: tf.TensorInfo[] = [];
      const acts: tf.TensorInfo[] = [];
      let h = input;
      for (let l = 0; l < L; l++) {
        if (l === L - 1) {
          h = fusedProduct(k, h, w[2 * l]!, w[2 * l + 1]!); // fused.matMul({ a, b, bias })
          break;
        }
        // add(matMul(h, W), b) in one pass of the SIMD products when they apply (the product's sums as
        // XNNPACK's, then one float32 add of the bias: bit-identical; src/kernels/wasm-simd-gemm.ts).
        const direct = simdDenseBiasAfter(k.backend, h, w[2 * l]!, w[2 * l + 1]!);
        let z: tf.TensorInfo;
        if (direct !== null) {
          z = k.adopt(direct);
        } else {
          const product =
            spec.activation === 'relu'
              ? k.run('BatchMatMul', { a: h, b: w[2 * l]! }, { transposeA: false, transposeB: false }) // matMul(h, W)
              : fusedProduct(k, h, w[2 * l]!, undefined); // fused.matMul({ a: h, b: W })
          z = k.run('Add', { a: product, b: w[2 * l + 1]! }); // add(product, b)
        }
        zs.push(z);
        const swish = spec.activation === 'swish' ? simdSwish(k.backend, z) : null;
        if (swish !== null) {
          // sigmoid(z) and mul(sigmoid(z), z) in one SIMD pass over z, the backend's Sigmoid and Multiply
          // bit for bit (src/kernels/wasm-simd-swish.ts)
          acts.push(k.adopt(swish[0]));
          h = k.adopt(swish[1]);
        } else if (spec.activation === 'swish') {
          const sig = k.run('Sigmoid', { x: z });
          acts.push(sig);
          h = k.run('Multiply', { a: sig, b: z }); // mul(sigmoid(z), z)
        } else if (spec.activation === 'tanh') {
          h = k.run('Tanh', { x: z });
          acts.push(h);
        } else {
          h = k.run('Relu', { x: z });
          acts.push(z);
        }
        ins.push(h);
      }
      const saved = [t, ...ins, ...zs, ...acts].map((info) => tf.keep(k.track(info)));
      return { value: k.track(h), saved };
    } finally {
      k.dispose();
    }
  };
  const backwardsFunc = (dy: tf.Tensor, saved: tf.Tensor[]): Record<string, () => tf.Tensor> => {
    const ts = saved[0]!;
    const ins = saved.slice(1, 1 + L);
    const zSaved = saved.slice(1 + L, 1 + L + (L - 1));
    const aSaved = saved.slice(1 + L + (L - 1));
    const k = new WasmKernelScope(tf.backend() as unknown as WasmBackendLike);
    let grads: tf.Tensor[];
    let dz0: tf.Tensor;
    try {
      const infos: tf.TensorInfo[] = new Array<tf.TensorInfo>(2 * L);
      const one = k.tensor([1], []); // tf.scalar(1)
      let dz: tf.TensorInfo = dy;
      for (let l = L - 1; l >= 0; l--) {
        infos[2 * l] = k.run('BatchMatMul', { a: ins[l]!, b: dz }, { transposeA: true, transposeB: false }); // matMul(in, dz, true, false)
        infos[2 * l + 1] = k.run('Sum', { x: dz }, { axis: 0, keepDims: false }); // sum(dz, 0)
        if (l === 0) break;
        const dh = k.run('BatchMatMul', { a: dz, b: w[2 * l]! }, { transposeA: false, transposeB: true }); // matMul(dz, W, false, true)
        const z = zSaved[l - 1]!;
        const a = aSaved[l - 1]!;
        const fused = spec.activation === 'swish' ? simdSwishGrad(k.backend, dh, z, a) : null;
        if (fused !== null) {
          // the same float32 operations in one SIMD pass (src/kernels/wasm-swish-grad.ts)
          dz = k.adopt(fused);
        } else if (spec.activation === 'swish') {
          // add(mul(dh, s), mul(mul(dh, z), mul(s, sub(1, s))))
          const first = k.run('Multiply', { a: dh, b: a });
          const dhz = k.run('Multiply', { a: dh, b: z });
          const ds = k.run('Multiply', { a, b: k.run('Sub', { a: one, b: a }) });
          dz = k.run('Add', { a: first, b: k.run('Multiply', { a: dhz, b: ds }) });
        } else if (spec.activation === 'tanh') {
          // mul(sub(1, square(y)), dh)
          dz = k.run('Multiply', { a: k.run('Sub', { a: one, b: k.run('Square', { x: a }) }), b: dh });
        } else {
          dz = k.run('Multiply', { a: dh, b: k.run('Step', { x: z }, { alpha: 0 }) }); // mul(dh, step(z))
        }
      }
      grads = infos.map((g) => k.track(g));
      dz0 = k.track(dz);
    } finally {
      k.dispose();
    }
    const map: Record<string, () => tf.Tensor> = {
      0: () => inputGrads(spec, tf.matMul(dz0, w[0]!, false, true), ts)[0],
      1: () => inputGrads(spec, tf.matMul(dz0, w[0]!, false, true), ts)[1],
    };
    grads.forEach((g, i) => (map[i + 2] = () => g));
    return map;
  };
  return tapeNodeOwningSaved({ forward, backwardsFunc, inputs });
}

/** ∂/∂x and ∂/∂t from the gradient of the concatenated features, through the time features' chain rule. */
function inputGrads(spec: DenseStackSpec, dFeatures: tf.Tensor, t: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const d = spec.dim;
  const dx = tf.slice(dFeatures, [0, 0], [-1, d]);
  const dPhi = tf.slice(dFeatures, [0, d], [-1, -1]);
  if (spec.timeFeatures === null) return [dx, dPhi];
  // φ = [t, sin(ω t), cos(ω t)]: ∂/∂t = dφ_0 + Σ_k ω_k (dsin_k cos(ω_k t) − dcos_k sin(ω_k t)).
  const omegas = spec.timeFeatures.angularFrequencies;
  const F = omegas.length;
  const w = tf.tensor2d(omegas, [1, F]);
  const angles = tf.mul(t, w);
  const dAngles = tf.sub(tf.mul(tf.slice(dPhi, [0, 1], [-1, F]), tf.cos(angles)), tf.mul(tf.slice(dPhi, [0, 1 + F], [-1, F]), tf.sin(angles)));
  return [dx, tf.add(tf.slice(dPhi, [0, 0], [-1, 1]), tf.sum(tf.mul(dAngles, w), 1, true))];
}

/** Inference: plain forward ops, with φ(t) folded into the first bias when every row shares t. */
function inferenceForward(spec: DenseStackSpec, x: tf.Tensor, t: tf.Tensor): tf.Tensor {
  const L = spec.layers.length;
  let h: tf.Tensor;
  const shared = foldSharedTime ? sharedTime(t) : null;
  let first = 1;
  if (shared !== null && x.shape[0]! > 1) {
    const d = spec.dim;
    const w0 = spec.layers[0]!.kernel.read();
    const phi = tf.slice(features(spec, tf.zeros([1, d]), tf.fill([1, 1], shared)), [0, d], [1, -1]);
    const wt = tf.slice(w0, [d, 0], [-1, -1]);
    const bias = tf.add(spec.layers[0]!.bias.read(), tf.matMul(phi, wt));
    const relu = L > 1 && spec.activation === 'relu';
    const z = tf.fused.matMul({ a: x, b: tf.slice(w0, [0, 0], [d, -1]), bias, activation: relu ? 'relu' : 'linear' });
    h = L === 1 || relu ? z : activateOutput(spec.activation, z);
  } else {
    h = features(spec, x, t);
    first = 0;
  }
  for (let l = first; l < L; l++) {
    const { kernel, bias } = spec.layers[l]!;
    // The layers' own ops (bias fused into the linear output layer, and with relu into every product
    // with the activation too), so the values are theirs bit for bit. Folded (already not bit-exact): the
    // bias fused into every product, one pass over the rows fewer.
    if (l < L - 1 && spec.activation === 'relu') {
      h = tf.fused.matMul({ a: h, b: kernel.read(), bias: bias.read(), activation: 'relu' });
      continue;
    }
    h =
      l === L - 1 || first === 1
        ? tf.fused.matMul({ a: h, b: kernel.read(), bias: bias.read() })
        : tf.add(tf.fused.matMul({ a: h, b: kernel.read() }), bias.read());
    if (l < L - 1) h = activateOutput(spec.activation, h);
  }
  return h;
}

/** t's single value when every row holds the same one (a read of t's data; null otherwise). */
function sharedTime(t: tf.Tensor): number | null {
  const values = t.dataSync();
  const v = values[0];
  if (v === undefined) return null;
  for (let i = 1; i < values.length; i++) if (values[i] !== v) return null;
  return v;
}

/**
 * Lets `model.apply([x, t])` take the dense-stack fast path (see the file comment; {@link setDenseStackMode}
 * chooses when). Returns the model itself; models of another structure are returned unchanged. Symbolic
 * inputs and every other method (`predict`, `fit`, serialisation) keep the ordinary layers.
 *
 * @throws {ArgumentError} when `model` is not a tfjs-layers model.
 * @example
 * ```ts
 * const model = withDenseStackFastPath(await tfl.loadLayersModel(url));
 * ```
 */
export function withDenseStackFastPath(model: tfl.LayersModel): tfl.LayersModel {
  if (typeof model !== 'object' || model === null || typeof model.apply !== 'function' || !Array.isArray(model.layers)) {
    throw new ArgumentError('withDenseStackFastPath', 'model', 'a tfjs-layers LayersModel', describeValue(model));
  }
  const spec = denseStackOf(model);
  if (spec === null || (model as { denseStackSpec?: DenseStackSpec }).denseStackSpec) return model;
  (model as { denseStackSpec?: DenseStackSpec }).denseStackSpec = spec;
  const plain = model.apply.bind(model);
  model.apply = ((inputs: tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[], kwargs?: tf.serialization.ConfigDict) => {
    if (!active() || !Array.isArray(inputs) || inputs.length !== 2 || !inputs.every((v) => v instanceof tf.Tensor)) return plain(inputs, kwargs);
    const [x, t] = inputs as [tf.Tensor, tf.Tensor];
    if (x.rank !== 2 || x.shape[1] !== spec.dim || t.rank !== 2 || t.shape[1] !== 1 || t.shape[0] !== x.shape[0] || x.dtype !== 'float32' || t.dtype !== 'float32') {
      return plain(inputs, kwargs);
    }
    return tf.tidy(() => {
      if (!gradientTapeRecording()) return inferenceForward(spec, x, t);
      return directWasmKernels() ? wasmTrainingForward(spec, x, t) : trainingForward(spec, x, t);
    });
  }) as typeof model.apply;
  return model;
}

// Models rebuilt by the checkpoint loader (src/train/module-io.ts decodeModule) take the fast path too, so a
// reloaded time-conditioned MLP computes exactly what the one built in memory does (other models unchanged).
registerDecodedModuleWrapper('dense-stack', withDenseStackFastPath);
