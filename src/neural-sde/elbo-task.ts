/**
 * The ELBO of a variational fBM-driven neural SDE as a `TrainingTask` for the one `Trainer` (MATH.md §2.6):
 * observation log-likelihood at the observation times − path KL − initial-state KL, with gradients through
 * `integrateSync` into every network, H, σ and the observation noise.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { integrateSync } from '../solver/integrate.js';
import type { Solution } from '../solver/types.js';
import type { TaskLoss, TrainingTask } from '../train/task.js';
import type { VariationalSde } from './variational-sde.js';
import type { ObservationAhead } from './augmented-term.js';
import { timeMlp, timeMlpForward } from './networks.js';

/** Options of {@link elboTask}. */
export interface ElboTaskOptions {
  /** The model (see `variationalSde`); its networks and variables are trained. */
  sde: VariationalSde;
  /** Observed sequences `[N, M, D]`: N sequences, M observation times, D observed dimensions (borrowed). */
  observations: tf.Tensor3D;
  /** The M observation times, strictly increasing in (0, horizon]. */
  times: readonly number[];
  /** Fixed initial states `[N, d]` (`initialState: 'fixed'`). @default zeros */
  x0?: tf.Tensor2D;
  /** Sequences per step. @default min(32, N) */
  batchSize?: number;
  /** Explicit solver steps on [0, last observation time]; `γ_max · dt ≤ 0.5` is required. */
  steps: number;
  /** Initial observation noise std > 0. @default 0.1 */
  observationNoise?: number;
  /** Learn the observation noise (free variable `logObservationNoise`, one per observed dimension). @default true */
  learnObservationNoise?: boolean;
  /**
   * Observation map: `'identity'` (D = d) or `'linear'` (a dense layer d → D, module `decoder`).
   * @default 'identity' when D = d, else 'linear'
   */
  decoder?: 'identity' | 'linear';
  /**
   * Add a learnable guide to the control (identity decoder only), the form of the exact control of a linear
   * Gaussian model pulled towards the next observation o at time t_next (τ = t_next − t):
   *
   *   u_guide = α(τ) ⊙ (o − (1 + a(τ)) ⊙ x − Σ_k b_k(τ) ⊙ y_k) / (τ + Δt)
   *
   * (`o − (1 + a)x − Σ b_k y_k` is o minus a linear prediction of X(t_next) from the whole Markov state, the
   * factors included: for fractional noise they carry the memory). α, a, b_1..b_K (each `[d]`) are the outputs
   * of a small MLP of (τ/T, t/T) (module `guide`) whose last layer starts at zero, so u_guide starts at 0
   * and the posterior at the prior. The network learns only the correction.
   * @default true with the identity decoder unless `conditionalSteps` (which is the exact form of it)
   */
  guide?: boolean;
  /** Hidden width of the guide's MLP (one tanh layer). @default 16 */
  guideHidden?: number;
  /**
   * Let the posterior shrink the driving noise over the last explicit step into each observation:
   * ρ = exp(r) ⊙ ΔW there (r a free `[d]` variable `logFinalNoiseScale`, started at 0: ρ = 1), with that
   * step's transition KL ½(ρ² − 1 − 2 ln ρ) per dimension added to the path KL. The Euler chain's exact
   * posterior does exactly this (the step's conditional variance given the observation is smaller); a
   * control u(t_n, z_n) alone cannot, and then each observation costs about (σω̄)²Δt/(2s²) nats that
   * depend on H through ω̄ (see MATH.md §2.6). Only when the observations lie on the step grid.
   * @default true
   */
  finalStepScale?: boolean;
  /**
   * Draw every explicit step from the chain's exact conditional given the state it starts from and the next
   * observation (identity decoder, observations on the step grid): m steps before an observation o the step's
   * control gains u_o = σ w_1 (o − x̂)/(V + s²) and its noise a scale ρ_o < 1 (x̂ the prior's prediction of
   * X at the observation, V its variance, s the observation noise; see `augmentedTerm`'s `observationStep`).
   * This is the exact posterior given the next observation alone, in closed form in H, σ and s: it follows
   * them at once, where a learned posterior lags and its gap biases the ELBO's H-gradient (MATH.md §2.6). The
   * network's control (and `finalStepScale`'s ρ) add the corrections due to the observations further ahead.
   * @default true with the identity decoder when the observations lie on the step grid
   */
  conditionalSteps?: boolean;
  /**
   * How many observations ahead each conditional step is conditioned on (the next one and those after it,
   * a small Gaussian solve per step): the later ones tell the step about the slowly decaying factors, which
   * the next observation alone does not pin (its posterior is then a filter, the gap that remains).
   * @default 2
   */
  lookAhead?: number;
  /**
   * How each solver step moves the OU factors (see `augmentedTerm`): `'exponential'` gives every factor its
   * exact OU mean and variance over the step (the chain's own Hurst bias is much smaller than Euler's at the
   * same step, MATH.md §2.6); `'euler'` is the plain Euler–Maruyama chain of the augmented SDE.
   * @default 'exponential'
   */
  factorStep?: 'euler' | 'exponential';
  /**
   * Training steps during which H is held at its current value (ω(H) enters as a constant, so h gets no
   * gradient) while the posterior, σ and the drift fit the data: a posterior far from the optimal one biases
   * the ELBO's H-gradient (see MATH.md §2.6). @default 0
   */
  hurstWarmup?: number;
  /** Seed of the decoder's initial weights. @default 0 */
  seed?: number;
}

/** One batch of the ELBO task: sequences, initial states, and the draws of the step. */
export interface ElboBatch {
  /** `[B, M, D]` observations. */
  observations: tf.Tensor3D;
  /** `[B, d]` fixed initial states (unused with an encoded initial state). */
  x0: tf.Tensor2D;
  /** `[B, K, d]` initial OU factors. */
  y0: tf.Tensor3D;
  /** `[B, d]` standard normal draws for the encoded initial state. */
  eps: tf.Tensor2D;
  /** Seed of the driving Brownian motion. */
  seed: number;
  /** The training step that drew the batch (undefined for `makeBatch`). */
  step?: number;
}

/** What {@link ElboTask.posteriorPaths} returns. */
export interface PosteriorPaths {
  /** X at the requested times, `[B, S, d]` (latent). */
  x: tf.Tensor3D;
  /** The decoded means `[B, S, D]`. */
  decoded: tf.Tensor3D;
}

/** The ELBO training task (see {@link elboTask}). */
export interface ElboTask extends TrainingTask<ElboBatch> {
  /** The model. */
  readonly sde: VariationalSde;
  /** The current observation noise std per observed dimension (reads back). */
  observationNoise(): number[];
  /**
   * Samples the posterior (the control uses the observations up to the last observation time, the prior
   * afterwards) and returns X at `saveAt` (times in (0, t1], on or off the step grid). Same seed, same paths.
   */
  posteriorPaths(args: { observations: tf.Tensor3D; x0?: tf.Tensor2D; saveAt: readonly number[]; seed: number; t1?: number }): PosteriorPaths;
  /** The ELBO per sequence, averaged over a batch (no gradient; one solve). */
  evaluate(batch: ElboBatch): { elbo: number; logLikelihood: number; pathKl: number; initialKl: number };
  /** Builds a batch from given sequences (for `evaluate`). */
  makeBatch(observations: tf.Tensor3D, seed: number, x0?: tf.Tensor2D): ElboBatch;
  /** Disposes the task's own tensors (the observation-noise variable and the decoder), not the model. */
  dispose(): void;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The ELBO task: for a batch of observed sequences `o_{1..M}` at times `t_1 < … < t_M`,
 *
 *   ELBO = E_q[ Σ_i log N(o_i; decode(X(t_i)), diag s²) ] − E_q[ ½ ∫_0^{t_M} |u|² dt ] − KL(q(X0) ‖ p(X0))
 *
 * estimated with one posterior path per sequence (Euler–Maruyama, or stochastic Heun for state-dependent σ,
 * through `integrateSync` with `saveAt: times`, so the trainer's tape differentiates the whole solve). The
 * loss is `−ELBO / (M·D)` (per observed value). The posterior's context at time t is
 * `[code, o_next, (t_next − t)/T]` — the encoder's code (an MLP encoder: of the whole sequence; a GRU
 * encoder: of the observations from the next one on), the next observation and the time to it — so the
 * model needs `contextDim = codeDim + D + 1`.
 *
 * Memory: the tape keeps every step's intermediate tensors, O(steps · batch · (d(K+1) + network widths)).
 *
 * @throws ArgumentError for observation times outside (0, horizon] or not increasing, a step too large for
 *   γ_max, a wrong contextDim, or shapes that do not match
 * @example
 * ```ts
 * const sde = variationalSde({ dim: 1, horizon: 1, priorDrift: 'linear', contextDim: 2 });
 * const task = elboTask({ sde, observations: paths.expandDims(2), times, steps: 40 });
 * await new Trainer({ task, steps: 300, learningRate: 1e-2 }).train();
 * sde.hurst();
 * ```
 */
export function elboTask(options: ElboTaskOptions): ElboTask {
  const fn = 'elboTask';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object { sde, observations, times, steps }', describeValue(options));
  const sde = options.sde;
  if (typeof sde !== 'object' || sde === null || typeof sde.term !== 'function') throw new ArgumentError(fn, 'options.sde', 'a VariationalSde', describeValue(sde));
  const cfg = sde.config;
  const d = cfg.dim;
  const obs = options.observations;
  if (!(obs instanceof tf.Tensor) || obs.rank !== 3 || obs.dtype !== 'float32') {
    throw new ArgumentError(fn, 'options.observations', 'a float32 tensor [sequences, times, observed dims]', describeValue(obs));
  }
  const [N, M, D] = obs.shape;
  const times = options.times;
  if (!Array.isArray(times) || times.length !== M) {
    throw new ArgumentError(fn, 'options.times', `an array of ${M} observation times (one per observations[:, i])`, describeValue(times));
  }
  times.forEach((t, i) => {
    const ok = typeof t === 'number' && Number.isFinite(t) && t > (i === 0 ? 0 : times[i - 1]!) && t <= cfg.horizon * (1 + 1e-12);
    if (!ok) {
      throw new ArgumentError(fn, `options.times[${i}]`, `a time in the span (0, ${cfg.horizon}] of the model, after times[${i - 1}]`, describeValue(t));
    }
  });
  const tLast = times[M - 1]!;
  const steps = checkNumber(fn, 'options.steps', options.steps, { min: 1, integer: true });
  sde.checkStep(fn, 'options.steps', tLast / steps);
  const batchSize = checkNumber(fn, 'options.batchSize', options.batchSize ?? Math.min(32, N), { min: 1, integer: true });
  const noise0 = checkNumber(fn, 'options.observationNoise', options.observationNoise ?? 0.1, { min: 0, exclusiveMin: true });
  const decoderKind = options.decoder ?? (D === d ? 'identity' : 'linear');
  if (decoderKind !== 'identity' && decoderKind !== 'linear') throw new ArgumentError(fn, 'options.decoder', "'identity' or 'linear'", describeValue(decoderKind));
  if (decoderKind === 'identity' && D !== d) {
    throw new ArgumentError(fn, 'options.decoder', `'linear' when the observed dimension (${D}) differs from the model's (${d})`, "'identity'");
  }
  const wantContext = cfg.codeDim + D + 1;
  if (cfg.contextDim !== wantContext) {
    throw new ArgumentError(fn, 'options.sde', `a model with contextDim = codeDim + D + 1 = ${wantContext} (code, next observation, time to it)`, `contextDim = ${cfg.contextDim}`);
  }
  if (cfg.encoderKind !== 'none') {
    // the MLP encoder reads the flattened sequence, the GRU one observation at a time
    const enc = sde.modules.encoder!;
    const inputDim = enc.inputs[0]!.shape[enc.inputs[0]!.shape.length - 1]!;
    const want = cfg.encoderKind === 'gru' ? D + 1 : M * D;
    if (inputDim !== want) {
      throw new ArgumentError(fn, 'options.sde', cfg.encoderKind === 'gru' ? `a GRU encoder with inputDim = D = ${D}` : `an encoder with inputDim = M·D = ${M * D}`, `inputDim = ${cfg.encoderKind === 'gru' ? inputDim - 1 : inputDim}`);
    }
  }
  const x0All = options.x0;
  if (x0All !== undefined && !(x0All instanceof tf.Tensor && x0All.rank === 2 && x0All.shape[0] === N && x0All.shape[1] === d)) {
    throw new ArgumentError(fn, 'options.x0', `a float32 tensor of shape [${N}, ${d}]`, describeValue(x0All));
  }
  const hurstWarmup = checkNumber(fn, 'options.hurstWarmup', options.hurstWarmup ?? 0, { min: 0, integer: true });
  const factorStep = options.factorStep ?? 'exponential';
  if (factorStep !== 'euler' && factorStep !== 'exponential') throw new ArgumentError(fn, 'options.factorStep', "'euler' or 'exponential'", describeValue(factorStep));
  const learnNoise = options.learnObservationNoise ?? true;
  const logNoise = tf.variable(tf.fill([D], Math.log(noise0)), learnNoise);
  const modules: Record<string, tfl.LayersModel> = { ...sde.modules };
  let decoder: tfl.LayersModel | undefined;
  if (decoderKind === 'linear') {
    const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
    const input = tfl.input({ shape: [d], name: 'latent' });
    const out = tfl.layers.dense({ units: D, kernelInitializer: tfl.initializers.glorotUniform({ seed }), name: 'output' }).apply(input) as tfl.SymbolicTensor;
    decoder = tfl.model({ inputs: input, outputs: out, name: 'decoder' });
    modules.decoder = decoder;
  }
  const variables: Record<string, tf.Variable> = { ...sde.variables };
  if (learnNoise) variables.logObservationNoise = logNoise;
  const dt = tLast / steps;
  // observations on the step grid (needed by the final-step scale and the conditional steps)
  const onGrid = times.every((t) => Math.abs(t / dt - Math.round(t / dt)) < 1e-6);
  const useConditional = (options.conditionalSteps ?? true) && onGrid && decoderKind === 'identity';
  if (options.conditionalSteps === true && !useConditional) {
    throw new ArgumentError(fn, 'options.conditionalSteps', 'false unless the decoder is the identity and every observation time lies on the step grid', 'true');
  }
  const lookAheadCount = checkNumber(fn, 'options.lookAhead', options.lookAhead ?? 2, { min: 1, integer: true });
  const useGuide = options.guide ?? (decoderKind === 'identity' && !useConditional);
  if (useGuide && decoderKind !== 'identity') throw new ArgumentError(fn, 'options.guide', 'false unless the decoder is the identity (the guide pulls x towards the observation)', 'true');
  const K = cfg.K;
  let guideNet: tfl.LayersModel | undefined;
  if (useGuide) {
    const hidden = checkNumber(fn, 'options.guideHidden', options.guideHidden ?? 16, { min: 1, integer: true });
    guideNet = timeMlp({ inputDim: 1, outputDim: (K + 2) * d, hidden, layers: 1, seed: (options.seed ?? 0) + 500, zeroOutputBias: 0, name: 'guide' });
    modules.guide = guideNet;
  }
  const useFinalScale = (options.finalStepScale ?? true) && onGrid;
  const logFinalScale = useFinalScale ? tf.variable(tf.zeros([d])) : undefined;
  if (logFinalScale !== undefined) variables.logFinalNoiseScale = logFinalScale;
  const decode = (x: tf.Tensor2D): tf.Tensor2D => (decoder === undefined ? x : (decoder.apply(x) as tf.Tensor2D));

  /** Index of the first observation strictly after t (M when none). */
  const nextIndex = (t: number): number => {
    const eps = 1e-9 * cfg.horizon;
    let i = 0;
    while (i < M && times[i]! <= t + eps) i++;
    return i;
  };

  /** Whether the step starting at t is the last one into an observation. */
  const isFinalStep = (t: number): boolean => {
    const i = nextIndex(t);
    return i < M && times[i]! - t <= dt * (1 + 1e-6);
  };

  /** The initial state, its KL, and the posterior's context function for a batch (inside a tidy/tape). */
  const setup = (observations: tf.Tensor3D, x0: tf.Tensor2D, eps: tf.Tensor2D, conditional: boolean) => {
    const batch = observations.shape[0];
    let code: tf.Tensor2D | undefined;
    let start = x0;
    let initialKl: tf.Tensor = tf.scalar(0);
    let codes: tf.Tensor2D[] | undefined; // GRU: one code per next-observation index
    if (cfg.encoderKind !== 'none') {
      let out: tf.Tensor2D;
      if (cfg.encoderKind === 'gru') {
        const seq = sde.encodeSequence(observations, times);
        const rows = tf.unstack(seq, 1) as tf.Tensor2D[];
        if (cfg.codeDim > 0) codes = rows.map((r) => tf.slice(r, [0, 0], [-1, cfg.codeDim]));
        out = rows[0]!;
      } else {
        out = sde.encode(tf.reshape(observations, [batch, M * D]) as tf.Tensor2D);
        if (cfg.codeDim > 0) code = tf.slice(out, [0, 0], [-1, cfg.codeDim]);
      }
      if (cfg.initialState === 'encoded') {
        const mean = tf.slice(out, [0, cfg.codeDim], [-1, d]);
        const logStd = tf.clipByValue(tf.slice(out, [0, cfg.codeDim + d], [-1, d]), -6, 3);
        start = tf.add(mean, tf.mul(tf.exp(logStd), eps)) as tf.Tensor2D;
        // KL(N(m, s²) ‖ N(0, 1)) = ½(m² + s² − 1) − log s, summed over d, averaged over the batch
        initialKl = tf.mean(tf.sum(tf.sub(tf.mul(0.5, tf.add(tf.square(mean), tf.sub(tf.exp(tf.mul(2, logStd)), 1))), logStd), 1));
      }
    }
    const perObs = tf.unstack(observations, 1) as tf.Tensor2D[]; // M × [batch, D]
    const context = (t: number): tf.Tensor2D | undefined => {
      const i = nextIndex(t);
      if (i >= M) return undefined;
      const parts: tf.Tensor[] = [];
      if (code !== undefined) parts.push(code);
      if (codes !== undefined) parts.push(codes[i]!);
      parts.push(perObs[i]!, tf.fill([batch, 1], (times[i]! - t) / cfg.horizon));
      return tf.concat(parts, 1) as tf.Tensor2D;
    };
    const guide =
      guideNet === undefined
        ? undefined
        : (t: number, x: tf.Tensor2D, y: tf.Tensor3D): tf.Tensor2D | undefined => {
            const i = nextIndex(t);
            if (i >= M) return undefined;
            const tau = times[i]! - t;
            // [batch, (K + 2)·d] → α [batch, d], a [batch, d], b [batch, K, d]
            const coef = tf.reshape(timeMlpForward(guideNet, tf.fill([batch, 1], tau / cfg.horizon), tf.fill([batch, 1], t / cfg.horizon)), [batch, K + 2, d]);
            const alpha = tf.squeeze(tf.slice(coef, [0, 0, 0], [-1, 1, -1]), [1]);
            const a = tf.squeeze(tf.slice(coef, [0, 1, 0], [-1, 1, -1]), [1]);
            const b = tf.slice(coef, [0, 2, 0], [-1, K, -1]);
            const prediction = tf.add(tf.mul(tf.add(a, 1), x), tf.sum(tf.mul(b, y), 1));
            return tf.mul(alpha, tf.div(tf.sub(perObs[i]!, prediction), tau + dt)) as tf.Tensor2D;
          };
    const noiseScale = logFinalScale === undefined ? undefined : (t: number): tf.Tensor | undefined => (isFinalStep(t) ? tf.exp(logFinalScale) : undefined);
    const observationStep = conditional
      ? (t: number): ObservationAhead | undefined => {
          const i = nextIndex(t);
          if (i >= M) return undefined;
          const stepsTo = (j: number): number => Math.max(1, Math.round((times[j]! - t) / dt));
          const further: { observation: tf.Tensor2D; steps: number }[] = [];
          for (let j = i + 1; j < Math.min(M, i + lookAheadCount); j++) further.push({ observation: perObs[j]!, steps: stepsTo(j) });
          return { observation: perObs[i]!, noiseStd: tf.exp(logNoise), steps: stepsTo(i), further };
        }
      : undefined;
    return { start, initialKl, context, guide, noiseScale, observationStep };
  };

  const solve = (batch: ElboBatch, omega: tf.Tensor1D, saveAt: readonly number[], t1: number): { sol: Solution; initialKl: tf.Tensor; layout: ReturnType<VariationalSde['term']>['layout'] } => {
    const n0 = t1 === tLast ? steps : Math.max(steps, Math.ceil((steps * t1) / tLast));
    const sameGrid = Math.abs(t1 / n0 - dt) <= 1e-9 * dt;
    const { start, initialKl, context, guide, noiseScale, observationStep } = setup(batch.observations, batch.x0, batch.eps, useConditional && sameGrid);
    const { term, layout } = sde.term({
      omega,
      posterior: true,
      context,
      guide,
      noiseScale: sameGrid ? noiseScale : undefined,
      observationStep,
      factorStep,
      stepSize: t1 / n0, // = dt on the training grid
    });
    const z0 = layout.pack({ x: start, y: batch.y0, kl: tf.zeros([start.shape[0]]) });
    const scheme = cfg.diffusion === 'state' ? 'stochastic-heun' : 'euler-maruyama';
    const sol = integrateSync(term, scheme, z0, { t0: 0, t1, steps: n0, saveAt: [...saveAt], seed: batch.seed, checkFinite: false });
    return { sol, initialKl, layout };
  };

  const elboTerms = (batch: ElboBatch) => {
    // during the warm-up ω(H) is a constant plus 0·ω(H): h gets an exact zero gradient (not none: the
    // optimiser keys its moments by the position of each gradient, which must not shift)
    const omega = batch.step !== undefined && batch.step < hurstWarmup ? (tf.add(sde.omegaAt(sde.hurst()), tf.mul(0, sde.omega())) as tf.Tensor1D) : sde.omega();
    const { sol, initialKl, layout } = solve(batch, omega, times, tLast);
    const s = tf.exp(logNoise);
    let ll: tf.Tensor = tf.scalar(0);
    sol.ys.forEach((z, i) => {
      const pred = decode(layout.get(z, 'x') as tf.Tensor2D);
      const o = tf.squeeze(tf.slice(batch.observations, [0, i, 0], [-1, 1, -1]), [1]);
      // log N(o; pred, s²) per value
      const r = tf.div(tf.sub(o, pred), s);
      ll = tf.add(ll, tf.sum(tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(r)), logNoise), 0.5 * LOG_2PI)), 1));
    });
    const logLikelihood = tf.mean(ll) as tf.Scalar;
    const pathKl = tf.mean(layout.get(sol.y, 'kl')) as tf.Scalar;
    const elbo = tf.sub(tf.sub(logLikelihood, pathKl), initialKl) as tf.Scalar;
    return { elbo, logLikelihood, pathKl, initialKl: initialKl as tf.Scalar };
  };

  const makeBatch = (observations: tf.Tensor3D, seed: number, x0?: tf.Tensor2D): ElboBatch => {
    const seeds = new SeedStream(seed);
    const b = observations.shape[0];
    return {
      observations: tf.clone(observations),
      x0: x0 === undefined ? tf.zeros([b, d]) : tf.clone(x0),
      y0: sde.initialFactors(b, seeds.next()),
      eps: tf.randomNormal([b, d], 0, 1, 'float32', seeds.next()),
      seed: seeds.next(),
    };
  };

  const task: ElboTask = {
    name: 'fbm-elbo',
    sde,
    modules,
    variables,
    terms: ['elbo', 'logLikelihood', 'pathKl', 'initialKl', 'hurst'],
    drawBatch(step: number, seeds: SeedStream): ElboBatch {
      return tf.tidy(() => {
        const idx = tf.randomUniformInt([batchSize], 0, N, seeds.next());
        const observations = tf.gather(obs, idx) as tf.Tensor3D;
        return {
          observations,
          x0: x0All === undefined ? (tf.zeros([batchSize, d]) as tf.Tensor2D) : (tf.gather(x0All, idx) as tf.Tensor2D),
          y0: sde.initialFactors(batchSize, seeds.next()),
          eps: tf.randomNormal([batchSize, d], 0, 1, 'float32', seeds.next()) as tf.Tensor2D,
          seed: seeds.next(),
          step,
        };
      });
    },
    loss(batch): TaskLoss {
      const t = elboTerms(batch);
      const total = tf.div(tf.neg(t.elbo), M * D) as tf.Scalar;
      const hurst = sde.hurstTensor();
      return { total, terms: { elbo: t.elbo, logLikelihood: t.logLikelihood, pathKl: t.pathKl, initialKl: t.initialKl, hurst } };
    },
    disposeBatch: (b) => tf.dispose([b.observations, b.x0, b.y0, b.eps]),
    runConfig: () => ({ task: 'fbm-elbo', model: sde.config, times: [...times], steps, batchSize, decoder: decoderKind, hurstWarmup, factorStep, conditionalSteps: useConditional, lookAhead: lookAheadCount }),
    observationNoise: () => Array.from(tf.tidy(() => tf.exp(logNoise).dataSync())),
    posteriorPaths({ observations, x0, saveAt, seed, t1 }) {
      const end = t1 ?? Math.max(tLast, ...saveAt);
      saveAt.forEach((t, i) => {
        if (!(typeof t === 'number' && t > 0 && t <= end)) throw new ArgumentError('ElboTask.posteriorPaths', `saveAt[${i}]`, `a time in (0, ${end}]`, describeValue(t));
      });
      const batch = makeBatch(observations, seed, x0);
      try {
        return tf.tidy(() => {
          const omega = sde.omega();
          const { sol, layout } = solve(batch, omega, saveAt, end);
          const xs = sol.ys.map((z) => layout.get(z, 'x') as tf.Tensor2D);
          return { x: tf.stack(xs, 1) as tf.Tensor3D, decoded: tf.stack(xs.map(decode), 1) as tf.Tensor3D };
        });
      } finally {
        task.disposeBatch!(batch);
      }
    },
    evaluate(batch) {
      const v = tf.tidy(() => {
        const t = elboTerms(batch);
        return tf.stack([t.elbo, t.logLikelihood, t.pathKl, t.initialKl]);
      });
      const [elbo, logLikelihood, pathKl, initialKl] = Array.from(v.dataSync());
      v.dispose();
      return { elbo: elbo!, logLikelihood: logLikelihood!, pathKl: pathKl!, initialKl: initialKl! };
    },
    makeBatch,
    dispose() {
      logNoise.dispose();
      logFinalScale?.dispose();
      for (const m of [decoder, guideNet]) {
        try {
          m?.dispose();
        } catch {
          /* disposed by a Trainer */
        }
      }
    },
  };
  return task;
}
