/**
 * A variational neural SDE driven by Markov-approximate fractional Brownian motion (MATH.md §2.6): a prior
 * `dX = b_θ(t, X) dt + σ dB̂_H`, a posterior that adds a control u_φ(t, X, Y, context) to the driving
 * Brownian motion, a learnable Hurst index H = sigmoid(h), and an optional encoder of the observations.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import { psdFactor } from '../fbm/dense.js';
import { omegaTensor } from '../fbm/omega-tensor.js';
import { checkHurst, FBM_TYPES, optimalOmega } from '../fbm/optimal-omega.js';
import type { FbmType } from '../fbm/optimal-omega.js';
import { ouStationaryCovariance } from '../fbm/ou-factors.js';
import { checkSpeedGridOptions, speedGrid } from '../fbm/speed-grid.js';
import { augmentedTerm } from './augmented-term.js';
import { timeMlp, timeMlpForward } from './networks.js';
import type { AugmentedTerm, ObservationAhead } from './augmented-term.js';

/** How σ is parametrised: one learnable number, one per dimension, or a network σ(t, x). */
export const DIFFUSION_KINDS = ['constant', 'diagonal', 'state'] as const;
/** One of {@link DIFFUSION_KINDS}. */
export type DiffusionKind = (typeof DIFFUSION_KINDS)[number];

/** The encoder kinds: an MLP over the flattened sequence, or a GRU run backward over the observations. */
export const ENCODER_KINDS = ['mlp', 'gru'] as const;
/** One of {@link ENCODER_KINDS}. */
export type EncoderKind = (typeof ENCODER_KINDS)[number];

/** The largest `γ_max · dt` an explicit step of the augmented system may take (as `markovFbm`'s guard). */
export const MAX_SPEED_STEP = 0.5;

/** Size of a small MLP. */
export interface MlpSize {
  /** Width of the hidden layers. @default 32 (prior), 64 (posterior, encoder) */
  hidden?: number;
  /** Number of hidden layers. @default 2 */
  layers?: number;
}

/** Options of {@link variationalSde}. */
export interface VariationalSdeOptions {
  /** Dimension d of the (latent) state X. */
  dim: number;
  /** Time horizon T > 0 of the model (the span of the observations; also the horizon of ω's error integral). */
  horizon: number;
  /** Initial Hurst index in (0, 1). @default 0.5 */
  hurst?: number;
  /** Learn H = sigmoid(h) (a free variable `hurstLogit`). @default true */
  learnHurst?: boolean;
  /** fBM type: `'II'` (Riemann–Liouville, factors start at 0) or `'I'` (stationary start). @default 'II' */
  type?: FbmType;
  /** Number of OU factors. @default 5 */
  K?: number;
  /** Largest speed. @default 20 (type II), 100 (type I) */
  gammaMax?: number;
  /** Smallest speed. @default 1 / gammaMax */
  gammaMin?: number;
  /** σ: `'constant'` (free `logSigma` scalar), `'diagonal'` (`logSigma` `[d]`), `'state'` (network). @default 'constant' */
  diffusion?: DiffusionKind;
  /** Initial σ > 0. @default 1 */
  sigma?: number;
  /** Learn σ. @default true */
  learnSigma?: boolean;
  /**
   * The prior drift b_θ: `'linear'` (b = x·A + c, free variables `driftMatrix` `[d, d]` and `driftBias` `[d]`,
   * started at 0) or an MLP of (x, t). @default { hidden: 32, layers: 2 }
   */
  priorDrift?: 'linear' | MlpSize;
  /** Initial linear drift (`priorDrift: 'linear'`): `matrix` `[d·d]` row-major (b = x·A + c), `bias` `[d]`. @default zeros */
  driftInit?: { matrix?: readonly number[]; bias?: readonly number[] };
  /** Learn the prior drift (a known prior, e.g. a fixed fOU, sets false). @default true */
  learnDrift?: boolean;
  /** The posterior control network u_φ(t, [x, y, context]) (last layer zero: the posterior starts at the prior). @default { hidden: 64, layers: 2 } */
  posterior?: MlpSize;
  /** Width of the context the posterior receives besides x and y (0 for none). @default 0 */
  contextDim?: number;
  /**
   * An encoder of the observations giving a code of width `codeDim` for the posterior's context and, with
   * `initialState: 'encoded'`, the mean and log-std of q(X(0)):
   * - `kind: 'mlp'`: an MLP over the flattened sequence `[batch, inputDim]` (inputDim = M·D); one code per
   *   sequence;
   * - `kind: 'gru'`: a GRU (width `hidden`) run BACKWARD over the observations `[o_i, t_i/T]` (inputDim = D),
   *   then a dense layer: code_i summarises o_i … o_M, so the control at a time before t_i sees every
   *   observation still ahead of it (q(X(0)) comes from code_1, which has read them all).
   * @default kind 'mlp'
   */
  encoder?: { inputDim: number; codeDim: number; kind?: EncoderKind } & MlpSize;
  /** X(0): `'fixed'` (given with the data) or `'encoded'` (q(X(0)) from the encoder, prior N(0, I)). @default 'fixed' */
  initialState?: 'fixed' | 'encoded';
  /** Seed of the initial weights. @default 0 */
  seed?: number;
}

/** The resolved configuration of a {@link VariationalSde} (JSON, stored in checkpoints). */
export interface VariationalSdeConfig {
  dim: number;
  horizon: number;
  type: FbmType;
  K: number;
  gammaMin: number;
  gammaMax: number;
  diffusion: DiffusionKind;
  priorDrift: 'linear' | 'mlp';
  contextDim: number;
  codeDim: number;
  encoderKind: EncoderKind | 'none';
  initialState: 'fixed' | 'encoded';
  learnHurst: boolean;
}

/** A variational fBM-driven neural SDE (see {@link variationalSde}). */
export interface VariationalSde {
  /** The resolved configuration. */
  readonly config: VariationalSdeConfig;
  /** The speeds γ_1 < … < γ_K (float64). */
  readonly gammas: Float64Array;
  /** The networks, by name: `prior` (MLP drift), `posterior`, `diffusion` (state σ), `encoder`. */
  readonly modules: Readonly<Record<string, tfl.LayersModel>>;
  /** The free variables, by name: `hurstLogit`, `logSigma`, `driftMatrix`, `driftBias` (those in use and learnable). */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** The current Hurst index sigmoid(h) (reads back one number). */
  hurst(): number;
  /** H = sigmoid(h) as a scalar tensor (differentiable in h). */
  hurstTensor(): tf.Scalar;
  /** ω(H) as a float32 `[K]` tensor, differentiable in h (one read-back; call once per loss). */
  omega(): tf.Tensor1D;
  /** ω at a given H as a constant float32 `[K]` tensor (no gradient reaches h; e.g. H held during a warm-up). */
  omegaAt(hurst: number): tf.Tensor1D;
  /** The prior drift b_θ(t, x): `[batch, d] → [batch, d]`. */
  drift(t: number, x: tf.Tensor2D): tf.Tensor2D;
  /** σ(t, x), broadcastable to `[batch, d]`. */
  sigma(t: number, x: tf.Tensor2D): tf.Tensor;
  /** The control u_φ(t, x, y, context) → `[batch, d]` (y `[batch, K, d]`, context `[batch, contextDim]`). */
  control(t: number, x: tf.Tensor2D, y: tf.Tensor3D, context?: tf.Tensor2D): tf.Tensor2D;
  /** The MLP encoder's output `[batch, codeDim (+ 2d)]` on flattened observations `[batch, M·D]`. */
  encode(observations: tf.Tensor2D): tf.Tensor2D;
  /**
   * The GRU encoder's outputs `[batch, M, codeDim (+ 2d)]` on observations `[batch, M, D]` at `times`
   * (row i summarises observations i … M-1: the GRU reads them in reverse order).
   */
  encodeSequence(observations: tf.Tensor3D, times: readonly number[]): tf.Tensor3D;
  /**
   * The augmented term on `[x, y, kl]`: the prior (no `context` given and `posterior: false`) or the posterior
   * with the context at time t from `context(t)` (return undefined where the control should be 0) and an
   * optional state-dependent `guide(t, x, y)` added to the network's control (e.g. a pull towards the next
   * observation; undefined for none at that time).
   */
  term(args: {
    omega: tf.Tensor1D;
    posterior: boolean;
    context?: (t: number) => tf.Tensor2D | undefined;
    guide?: (t: number, x: tf.Tensor2D, y: tf.Tensor3D) => tf.Tensor2D | undefined;
    /** The posterior's noise scale ρ(t) and the fixed step (see `augmentedTerm`). */
    noiseScale?: (t: number) => tf.Tensor | undefined;
    /** The next observation ahead of a step, for the chain's exact conditional step given it (see `augmentedTerm`). */
    observationStep?: (t: number) => ObservationAhead | undefined;
    /** How a step moves the factors (see `augmentedTerm`). @default 'euler' */
    factorStep?: 'euler' | 'exponential';
    stepSize?: number;
  }): AugmentedTerm;
  /** Initial OU factors `[batch, K, d]`: zeros (type II) or a stationary draw (type I) from `seed`. */
  initialFactors(batch: number, seed: number): tf.Tensor3D;
  /** Throws an ArgumentError naming `fn` unless `γ_max · |dt| ≤ 0.5` (explicit steps of the augmented system). */
  checkStep(fn: string, arg: string, dt: number): void;
  /** Disposes every network and variable. */
  dispose(): void;
}

const logit = (p: number): number => Math.log(p / (1 - p));
const softplusInverse = (y: number): number => (y > 20 ? y : Math.log(Math.expm1(y)));

function mlpSize(fn: string, arg: string, value: MlpSize | undefined, hidden: number): { hidden: number; layers: number } {
  if (value !== undefined && (typeof value !== 'object' || value === null)) throw new ArgumentError(fn, arg, 'an object { hidden?, layers? }', describeValue(value));
  return {
    hidden: checkNumber(fn, `${arg}.hidden`, value?.hidden ?? hidden, { min: 1, integer: true }),
    layers: checkNumber(fn, `${arg}.layers`, value?.layers ?? 2, { min: 1, integer: true }),
  };
}

/**
 * Builds a variational neural SDE driven by Markov-approximate fBM:
 * - prior `dX = b_θ(t, X) dt + σ dB̂_H`, `B̂_H = Σ_k ω_k(H) Y_k`, `dY_k = −γ_k Y_k dt + dW`;
 * - posterior: the same with `dW → dW + u_φ(t, X, Y, context) dt` (u starts at 0);
 * - learnable `H = sigmoid(hurstLogit)` (ω(H) and dω/dH in float64, `omegaTensor`), σ = exp(logSigma) or
 *   softplus of a network of (x, t).
 * Use it with {@link elboTask} to train by the ELBO.
 *
 * @throws ArgumentError for H outside (0, 1), K < 1, unordered or non-positive speed bounds, horizon ≤ 0,
 *   or any other bad option (naming it)
 * @example
 * ```ts
 * const sde = variationalSde({ dim: 1, horizon: 1, hurst: 0.5, priorDrift: 'linear', contextDim: 2 });
 * sde.hurst(); // 0.5
 * const omega = sde.omega();          // [5], differentiable in sde.variables.hurstLogit
 * ```
 */
export function variationalSde(options: VariationalSdeOptions): VariationalSde {
  const fn = 'variationalSde';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object with at least { dim, horizon }', describeValue(options));
  const d = checkNumber(fn, 'options.dim', options.dim, { min: 1, integer: true });
  const horizon = checkNumber(fn, 'options.horizon', options.horizon, { min: 0, exclusiveMin: true });
  const hurst0 = checkHurst(fn, 'options.hurst', options.hurst ?? 0.5);
  const type = checkOneOf(fn, 'options.type', options.type ?? 'II', FBM_TYPES);
  const grid = checkSpeedGridOptions(fn, { K: options.K ?? 5, gammaMax: options.gammaMax ?? (type === 'I' ? 100 : 20), gammaMin: options.gammaMin });
  const gammas = speedGrid(grid);
  const K = grid.K;
  const diffusion = checkOneOf(fn, 'options.diffusion', options.diffusion ?? 'constant', DIFFUSION_KINDS);
  const sigma0 = checkNumber(fn, 'options.sigma', options.sigma ?? 1, { min: 0, exclusiveMin: true });
  const contextDim = checkNumber(fn, 'options.contextDim', options.contextDim ?? 0, { min: 0, integer: true });
  const initialState = checkOneOf(fn, 'options.initialState', options.initialState ?? 'fixed', ['fixed', 'encoded'] as const);
  const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
  const learnHurst = options.learnHurst ?? true;
  const learnSigma = options.learnSigma ?? true;
  const linear = options.priorDrift === 'linear';
  if (options.priorDrift !== undefined && !linear && (typeof options.priorDrift !== 'object' || options.priorDrift === null)) {
    throw new ArgumentError(fn, 'options.priorDrift', "'linear' or an MLP size { hidden?, layers? }", describeValue(options.priorDrift));
  }
  const enc = options.encoder;
  if (enc !== undefined && (typeof enc !== 'object' || enc === null)) throw new ArgumentError(fn, 'options.encoder', 'an object { inputDim, codeDim, kind?, hidden?, layers? }', describeValue(enc));
  if (initialState === 'encoded' && enc === undefined) {
    throw new ArgumentError(fn, 'options.encoder', "an encoder when options.initialState is 'encoded' (q(X(0)) comes from it)", 'undefined');
  }

  const modules: Record<string, tfl.LayersModel> = {};
  const variables: Record<string, tf.Variable> = {};
  const hurstLogit = tf.variable(tf.scalar(logit(hurst0)), learnHurst);
  if (learnHurst) variables.hurstLogit = hurstLogit;

  let logSigma: tf.Variable | undefined;
  if (diffusion !== 'state') {
    logSigma = tf.variable(diffusion === 'constant' ? tf.scalar(Math.log(sigma0)) : tf.fill([d], Math.log(sigma0)), learnSigma);
    if (learnSigma) variables.logSigma = logSigma;
  } else {
    modules.diffusion = timeMlp({ inputDim: d, outputDim: d, hidden: 32, layers: 2, seed: seed + 300, zeroOutputBias: softplusInverse(sigma0), name: 'diffusion' });
  }

  let driftMatrix: tf.Variable | undefined;
  let driftBias: tf.Variable | undefined;
  if (linear) {
    const learnDrift = options.learnDrift ?? true;
    const init = options.driftInit ?? {};
    const matrix = init.matrix ?? new Array<number>(d * d).fill(0);
    const bias = init.bias ?? new Array<number>(d).fill(0);
    if (!Array.isArray(matrix) || matrix.length !== d * d || !matrix.every(Number.isFinite)) {
      throw new ArgumentError(fn, 'options.driftInit.matrix', `${d * d} finite numbers (a d×d matrix, row-major)`, describeValue(matrix));
    }
    if (!Array.isArray(bias) || bias.length !== d || !bias.every(Number.isFinite)) throw new ArgumentError(fn, 'options.driftInit.bias', `${d} finite numbers`, describeValue(bias));
    driftMatrix = tf.variable(tf.tensor2d(matrix as number[], [d, d]), learnDrift);
    driftBias = tf.variable(tf.tensor1d(bias as number[]), learnDrift);
    if (learnDrift) {
      variables.driftMatrix = driftMatrix;
      variables.driftBias = driftBias;
    }
  } else {
    const size = mlpSize(fn, 'options.priorDrift', options.priorDrift as MlpSize | undefined, 32);
    modules.prior = timeMlp({ inputDim: d, outputDim: d, ...size, seed: seed + 100, name: 'prior' });
  }

  let codeDim = 0;
  let encoderKind: EncoderKind | 'none' = 'none';
  if (enc !== undefined) {
    encoderKind = checkOneOf(fn, 'options.encoder.kind', enc.kind ?? 'mlp', ENCODER_KINDS);
    const inputDim = checkNumber(fn, 'options.encoder.inputDim', enc.inputDim, { min: 1, integer: true });
    codeDim = checkNumber(fn, 'options.encoder.codeDim', enc.codeDim, { min: 0, integer: true });
    const size = mlpSize(fn, 'options.encoder', enc, encoderKind === 'gru' ? 32 : 64);
    const out = codeDim + (initialState === 'encoded' ? 2 * d : 0);
    if (out === 0) throw new ArgumentError(fn, 'options.encoder.codeDim', "> 0 unless options.initialState is 'encoded'", '0');
    let layerSeed = seed + 200;
    if (encoderKind === 'gru') {
      // [batch, M, D + 1] (observation, time/T) in reverse time order → [batch, M, hidden] → [batch, M, out]
      const input = tfl.input({ shape: [null, inputDim + 1], name: 'observations' });
      const h = tfl.layers
        .gru({
          units: size.hidden,
          returnSequences: true,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeed++ }),
          recurrentInitializer: tfl.initializers.glorotUniform({ seed: layerSeed++ }),
          name: 'gru',
        })
        .apply(input) as tfl.SymbolicTensor;
      const output = tfl.layers.dense({ units: out, kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeed++ }), name: 'output' }).apply(h) as tfl.SymbolicTensor;
      modules.encoder = tfl.model({ inputs: input, outputs: output, name: 'encoder' });
    } else {
      const input = tfl.input({ shape: [inputDim], name: 'observations' });
      let h = input;
      for (let i = 0; i < size.layers; i++) {
        h = tfl.layers.dense({ units: size.hidden, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeed++ }), name: `hidden_${i}` }).apply(h) as tfl.SymbolicTensor;
      }
      const output = tfl.layers.dense({ units: out, kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeed++ }), name: 'output' }).apply(h) as tfl.SymbolicTensor;
      modules.encoder = tfl.model({ inputs: input, outputs: output, name: 'encoder' });
    }
  }

  const postSize = mlpSize(fn, 'options.posterior', options.posterior, 64);
  const postIn = d + K * d + contextDim;
  const posterior = timeMlp({ inputDim: postIn, outputDim: d, ...postSize, seed: seed + 400, zeroOutputBias: 0, name: 'posterior' });
  modules.posterior = posterior;

  const column = (t: number, batch: number): tf.Tensor2D => tf.fill([batch, 1], t / horizon);
  const sde: VariationalSde = {
    config: {
      dim: d,
      horizon,
      type,
      K,
      gammaMin: grid.gammaMin,
      gammaMax: grid.gammaMax,
      diffusion,
      priorDrift: linear ? 'linear' : 'mlp',
      contextDim,
      codeDim,
      encoderKind,
      initialState,
      learnHurst,
    },
    gammas,
    modules,
    variables,
    hurst: () => tf.tidy(() => tf.sigmoid(hurstLogit).dataSync()[0]!),
    hurstTensor: () => tf.sigmoid(hurstLogit) as tf.Scalar,
    omega: () => tf.tidy(() => omegaTensor(tf.sigmoid(hurstLogit), { type, K, gammaMax: grid.gammaMax, gammaMin: grid.gammaMin, horizon })),
    omegaAt(h) {
      const value = checkHurst('VariationalSde.omegaAt', 'hurst', h);
      return tf.tensor1d(Float32Array.from(optimalOmega({ hurst: value, type, K, gammaMax: grid.gammaMax, gammaMin: grid.gammaMin, horizon }).omega));
    },
    drift(t, x) {
      if (linear) return tf.add(tf.matMul(x, driftMatrix!), driftBias!);
      return timeMlpForward(modules.prior!, x, column(t, x.shape[0]));
    },
    sigma(t, x) {
      if (logSigma !== undefined) return tf.exp(logSigma);
      return tf.add(tf.softplus(timeMlpForward(modules.diffusion!, x, column(t, x.shape[0]))), 1e-3);
    },
    control(t, x, y, context) {
      const batch = x.shape[0];
      const parts: tf.Tensor[] = [x, tf.reshape(y, [batch, K * d])];
      if (contextDim > 0) {
        if (!(context instanceof tf.Tensor) || context.shape[1] !== contextDim) {
          throw new ArgumentError('VariationalSde.control', 'context', `a float32 tensor of shape [${batch}, ${contextDim}]`, describeValue(context));
        }
        parts.push(context);
      }
      return timeMlpForward(posterior, tf.concat(parts, 1) as tf.Tensor2D, column(t, batch));
    },
    encode(observations) {
      if (modules.encoder === undefined) throw new ArgumentError('VariationalSde.encode', 'this', 'a model built with options.encoder', 'none');
      if (encoderKind !== 'mlp') throw new ArgumentError('VariationalSde.encode', 'this', "a model built with an 'mlp' encoder (use encodeSequence for 'gru')", `a '${encoderKind}' encoder`);
      return modules.encoder.apply(observations) as tf.Tensor2D;
    },
    encodeSequence(observations, times) {
      if (encoderKind !== 'gru') throw new ArgumentError('VariationalSde.encodeSequence', 'this', "a model built with a 'gru' encoder", encoderKind === 'none' ? 'none' : `a '${encoderKind}' encoder`);
      const [batch, M] = observations.shape;
      if (!Array.isArray(times) || times.length !== M) throw new ArgumentError('VariationalSde.encodeSequence', 'times', `${M} observation times`, describeValue(times));
      return tf.tidy(() => {
        const tcol = tf.tile(tf.reshape(tf.tensor1d(times.map((t) => t / horizon)), [1, M, 1]), [batch, 1, 1]);
        const reversed = tf.reverse(tf.concat([observations, tcol], 2), 1);
        return tf.reverse(modules.encoder!.apply(reversed) as tf.Tensor3D, 1);
      });
    },
    term({ omega, posterior: usePosterior, context, guide, noiseScale, observationStep, factorStep, stepSize }) {
      const control = usePosterior
        ? (t: number, x: tf.Tensor2D, y: tf.Tensor3D) => {
            const c = context?.(t);
            if (context !== undefined && c === undefined) return tf.zerosLike(x);
            const u = sde.control(t, x, y, c);
            const g = guide?.(t, x, y);
            return g === undefined ? u : (tf.add(u, g) as tf.Tensor2D);
          }
        : undefined;
      return augmentedTerm({
        dim: d,
        gammas,
        omega,
        drift: sde.drift,
        sigma: sde.sigma,
        stateDependentSigma: diffusion === 'state',
        control,
        noiseScale: usePosterior ? noiseScale : undefined,
        observationStep: usePosterior ? observationStep : undefined,
        factorStep,
        stepSize,
      });
    },
    initialFactors(batch, drawSeed) {
      return tf.tidy(() => {
        if (type === 'II') return tf.zeros([batch, K, d]) as tf.Tensor3D;
        // rows of z Fᵀ have covariance F Fᵀ = 1/(γ_i + γ_j); one draw per (row, dimension)
        const f = psdFactor(ouStationaryCovariance(gammas), K);
        const ft = new Float32Array(K * K);
        for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) ft[j * K + i] = f[i * K + j]!;
        const z = tf.randomNormal([batch * d, K], 0, 1, 'float32', drawSeed);
        const y = tf.matMul(z, tf.tensor2d(ft, [K, K])); // [batch·d, K]
        return tf.transpose(tf.reshape(y, [batch, d, K]), [0, 2, 1]) as tf.Tensor3D;
      });
    },
    checkStep(where, arg, dt) {
      if (!(grid.gammaMax * Math.abs(dt) <= MAX_SPEED_STEP)) {
        throw new ArgumentError(
          where,
          arg,
          `a step with gammaMax·dt <= ${MAX_SPEED_STEP} (explicit steps of the augmented fBM system; gammaMax = ${grid.gammaMax} allows dt <= ${MAX_SPEED_STEP / grid.gammaMax})`,
          `dt = ${dt}`,
        );
      }
    },
    dispose() {
      hurstLogit.dispose();
      logSigma?.dispose();
      driftMatrix?.dispose();
      driftBias?.dispose();
      // a Trainer may have disposed the networks already
      for (const m of Object.values(modules)) {
        try {
          m.dispose();
        } catch {
          /* already disposed */
        }
      }
    },
  };
  return sde;
}
