/**
 * The noise law q of noise-contrastive and compositional training: draws with their exact log densities
 * `log q`, outside the gradient tape, optionally from a cached bank of draws.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isAsyncDistribution, isDistribution } from '../distributions/check.js';
import type { AnyDistribution } from '../distributions/types.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';

/** Noise draws with their log densities; both tensors owned by the caller. */
export interface NoiseDraw {
  /** Draws, `[n, ...eventShape]`. */
  x: tf.Tensor;
  /** `log q(x)`, `[n]`. */
  logq: tf.Tensor1D;
}

/**
 * A law that can return its draws together with their log densities in one pass (a flow integrates
 * `[x, log q]` together); noise sources use it when present instead of a second `logProb` pass.
 */
export interface SampleWithLogProb {
  sampleWithLogProb(n: number, seeds: SeedStream): NoiseDraw | Promise<NoiseDraw>;
}

/** A noise law for EBM training: exact draws and exact `log q`, asynchronous so any law fits. */
export interface NoiseSource {
  /** The shape of one event. */
  readonly eventShape: readonly number[];
  /** One line describing the law. */
  readonly description: string;
  /** Draws `n` events and their `log q` (outside any gradient tape). */
  draw(n: number, seeds: SeedStream): Promise<NoiseDraw>;
  /** `log q(x)`, `[batch]`. */
  logProb(x: tf.Tensor): Promise<tf.Tensor1D>;
  /** Frees cached tensors (a bank). */
  dispose(): void;
}

/** Whether `v` is a {@link NoiseSource} (has `draw`, `logProb` and `eventShape`). */
export function isNoiseSource(v: unknown): v is NoiseSource {
  const s = v as Partial<NoiseSource> | null;
  return typeof s === 'object' && s !== null && typeof s.draw === 'function' && typeof s.logProb === 'function' && Array.isArray(s.eventShape);
}

/**
 * A {@link NoiseSource} from a distribution with an exact log density (`logProb`, or `logProbAsync` of an
 * async law), or a noise source given as is.
 *
 * @param fn - the calling function, for messages
 * @throws ArgumentError naming `fn` and `arg` when the law has no exact log density
 * @example
 * ```ts
 * const q = noiseSource('myTask', 'options.noise', standardNormal([2]));
 * const { x, logq } = await q.draw(256, new SeedStream(0));
 * ```
 */
export function noiseSource(fn: string, arg: string, q: AnyDistribution | NoiseSource): NoiseSource {
  if (isNoiseSource(q)) return q;
  const withBoth = q as Partial<SampleWithLogProb>;
  if (isDistribution(q)) {
    if (typeof q.logProb !== 'function') {
      throw new ArgumentError(fn, arg, 'a noise distribution with an exact logProb (e.g. diagonalGaussian, fullGaussian, a fitted mixture, flowDistribution)', `${q.description ?? 'a distribution'} without logProb`);
    }
    const logProb = q.logProb.bind(q);
    return {
      eventShape: q.eventShape,
      description: q.description ?? 'noise distribution',
      async draw(n, seeds) {
        if (typeof withBoth.sampleWithLogProb === 'function') return withBoth.sampleWithLogProb(n, seeds);
        const x = q.sample(n, seeds);
        return { x, logq: logProb(x) };
      },
      logProb: async (x) => logProb(x),
      dispose() {},
    };
  }
  if (isAsyncDistribution(q)) {
    if (typeof q.logProbAsync !== 'function') {
      throw new ArgumentError(fn, arg, 'a noise distribution with an exact logProb (logProbAsync for an async law)', `${q.description ?? 'an async distribution'} without logProbAsync`);
    }
    const logProb = q.logProbAsync.bind(q);
    return {
      eventShape: q.eventShape,
      description: q.description ?? 'noise distribution',
      async draw(n, seeds) {
        if (typeof withBoth.sampleWithLogProb === 'function') return withBoth.sampleWithLogProb(n, seeds);
        const x = await q.sampleAsync(n, seeds);
        return { x, logq: await logProb(x) };
      },
      logProb,
      dispose() {},
    };
  }
  throw new ArgumentError(fn, arg, 'a Distribution with logProb, an AsyncDistribution with logProbAsync, or a NoiseSource', describeValue(q));
}

/** Options of {@link noiseBank}. */
export interface NoiseBankOptions {
  /** Number of draws kept. */
  size: number;
  /** Seed of the bank's draws. @default 0 */
  seed?: number;
}

/**
 * A cached bank of noise draws: `size` draws of q with their `log q`, made once (on the first `draw`), from
 * which each `draw(n, seeds)` takes n rows uniformly with replacement (indices from `seeds`). Worth it when
 * q is expensive (a flow integrated by an ODE): training then costs one pass of q.
 *
 * @throws ArgumentError for a size < 1 or a law without an exact log density
 * @example
 * ```ts
 * const bank = noiseBank(flow, { size: 20000, seed: 1 });
 * const task = ncTask({ model, data, noise: bank, batchSize: 256 });
 * ```
 */
export function noiseBank(q: AnyDistribution | NoiseSource, options: NoiseBankOptions): NoiseSource {
  const fn = 'noiseBank';
  const source = noiseSource(fn, 'q', q);
  const size = checkNumber(fn, 'options.size', options?.size, { min: 1, integer: true });
  const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
  let bank: Promise<NoiseDraw> | undefined;
  let filled: NoiseDraw | undefined;
  const fill = async (): Promise<NoiseDraw> => {
    bank ??= source.draw(size, new SeedStream(seed)).then((d) => {
      filled = { x: tf.keep(d.x), logq: tf.keep(d.logq) };
      return filled;
    });
    return bank;
  };
  return {
    eventShape: source.eventShape,
    description: `a bank of ${size} draws of ${source.description}`,
    async draw(n, seeds) {
      const b = await fill();
      return tf.tidy(() => {
        const idx = tf.randomUniformInt([n], 0, size, seeds.next());
        return { x: tf.gather(b.x, idx), logq: tf.gather(b.logq, idx) as tf.Tensor1D };
      });
    },
    logProb: (x) => source.logProb(x),
    dispose() {
      if (filled !== undefined) tf.dispose([filled.x, filled.logq]);
      filled = undefined;
      bank = undefined;
    },
  };
}
