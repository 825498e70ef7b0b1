/**
 * Learning-rate schedules: linear warm-up, then linear decay (MATH.md §4), constant, or cosine decay.
 */
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';

/** Schedule shapes {@link learningRateSchedule} accepts. */
export const SCHEDULE_KINDS = ['linear', 'constant', 'cosine'] as const;

/** One of {@link SCHEDULE_KINDS}. */
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** Options of {@link learningRateSchedule}. */
export interface LearningRateScheduleOptions {
  /** `'linear'` decay (MATH.md §4), `'constant'`, or `'cosine'` decay. */
  kind: ScheduleKind;
  /** The learning rate at the end of warm-up, η_0 (finite, > 0). */
  peak: number;
  /** Number of warm-up steps W (integer ≥ 0, ≤ totalSteps). @default 0 */
  warmupSteps?: number;
  /** Step T at which the decay reaches `final` (integer ≥ 1). Required for 'linear' and 'cosine'. */
  totalSteps?: number;
  /** The learning rate at and after `totalSteps` (0 ≤ final ≤ peak). Ignored by 'constant'. @default 0 */
  final?: number;
}

/** A learning rate as a function of the step: `step` = number of updates already made (0 for the first). */
export type LearningRateSchedule = (step: number) => number;

/**
 * A learning-rate schedule `step ↦ η`. `step` counts completed updates, i.e. the learning rate for an update
 * is `schedule(optimizer.iterations)` (0 for the first update). With W = warmupSteps, T = totalSteps,
 * η_0 = peak and η_f = final:
 *
 * - warm-up, step < W: η = η_0 (step + 1)/W — linear, starting at η_0/W on the first update (not at 0,
 *   which would waste an update) and reaching η_0 on update W (step = W − 1);
 * - `'constant'`: η = η_0 after warm-up;
 * - `'linear'`, W ≤ step: η = η_f + (η_0 − η_f)(1 − p) with p = min(1, (step − W)/(T − W)); with W = 0 and
 *   η_f = 0 this is MATH.md's η_t = η_0 (1 − t/T);
 * - `'cosine'`, W ≤ step: η = η_f + (η_0 − η_f)(1 + cos(π p))/2, same p;
 * - step ≥ T: η = η_f (both decays; when W = T there is no decay phase).
 *
 * The returned function throws an {@link ArgumentError} for a step that is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * const lr = learningRateSchedule({ kind: 'linear', peak: 1e-3, warmupSteps: 10, totalSteps: 110 });
 * lr(0);   // 1e-4   (first update)
 * lr(9);   // 1e-3   (end of warm-up)
 * lr(60);  // 5e-4   (half-way through the decay)
 * lr(110); // 0
 * ```
 */
export function learningRateSchedule(options: LearningRateScheduleOptions): LearningRateSchedule {
  const fn = 'learningRateSchedule';
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(fn, 'options', 'an options object with { kind, peak, totalSteps }', describeValue(options));
  }
  const kind = checkOneOf(fn, 'options.kind', options.kind, SCHEDULE_KINDS);
  const peak = checkNumber(fn, 'options.peak', options.peak, { min: 0, exclusiveMin: true });
  const warmup = checkNumber(fn, 'options.warmupSteps', options.warmupSteps ?? 0, { min: 0, integer: true });
  let total = Infinity;
  if (kind !== 'constant' || options.totalSteps !== undefined) {
    if (options.totalSteps === undefined) {
      throw new ArgumentError(fn, 'options.totalSteps', `a finite integer >= 1 for kind '${kind}'`, 'undefined');
    }
    total = checkNumber(fn, 'options.totalSteps', options.totalSteps, { min: 1, integer: true });
    if (warmup > total) {
      throw new ArgumentError(fn, 'options.warmupSteps', `a finite integer <= options.totalSteps (${total})`, describeValue(warmup));
    }
  }
  const final = checkNumber(fn, 'options.final', options.final ?? 0, { min: 0, max: peak });

  return (step: number): number => {
    checkNumber('learningRateSchedule(step)', 'step', step, { min: 0 });
    if (step < warmup) return (peak * (step + 1)) / warmup;
    if (kind === 'constant') return peak;
    if (step >= total) return final;
    const p = (step - warmup) / (total - warmup);
    const shape = kind === 'linear' ? 1 - p : 0.5 * (1 + Math.cos(Math.PI * p));
    return final + (peak - final) * shape;
  };
}
