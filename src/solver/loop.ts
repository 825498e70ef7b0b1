/**
 * THE step loop, written once as a generator that both drivers run: `integrate` (async) and
 * `integrateSync`. The generator never reads tensors itself: it yields read requests (the async driver
 * awaits `data()`, the sync one calls `dataSync()`) and step events (the drivers report progress, check
 * the abort signal and, when async, yield to the event loop).
 *
 * Each attempt k gets a {@link StepContext}: the increment, seeded draws hashed from (scheme seed, k), and
 * the shapes. Scheme summaries of accepted steps are summed as tensors in the carry and read back once at
 * the end (`stats.scheme`).
 *
 * Memory: every attempted step runs in one `tf.tidy`; the carried state (y, scheme state, noise state,
 * summary sums) is what survives it. After a step, tensors of the superseded state that the new one does not share are
 * disposed; tensors the solve borrowed (`y0`, constants captured by the term) are never disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors.js';
import { SolverError } from './errors.js';
import type { Plan } from './options.js';
import {
  PIController,
  initialStepCurvature,
  initialStepFromNorms,
  initialStepNorms,
  initialTrialStep,
  scaledErrorNorm,
} from './step-control.js';
import { stepRandom } from './seed-hash.js';
import { eventSize } from '../shapes.js';
import { collectTensors, tensorIdWatermark } from './tensors.js';
import type { Solution, SolverProgress, StepContext } from './types.js';

/** What the loop asks of its driver. */
export type LoopRequest =
  | { kind: 'read'; tensor: tf.Tensor }
  | { kind: 'step'; accepted: boolean; progress: SolverProgress };

/** What the driver answers to a read request. */
export type ReadResult = ArrayLike<number>;

/** The step loop as a generator. */
export type SolveLoop = Generator<LoopRequest, Solution<tf.Tensor>, ReadResult | undefined>;

interface Carry {
  y: tf.Tensor;
  schemeState: unknown;
  noiseState: unknown;
  /** Running sums of the scheme's step summaries (accepted steps). */
  sums: Record<string, tf.Tensor>;
}

interface Attempt {
  carry: Carry;
  norm?: tf.Scalar;
}

/** Runs the plan; see the module comment for the protocol. */
export function* solveLoop(plan: Plan): SolveLoop {
  const { fn, term, scheme, t0, t1, noise, counters } = plan;
  const started = performance.now();
  const firstOwnedId = tensorIdWatermark();
  const owned = (t: tf.Tensor) => t.id >= firstOwnedId;
  const sign = Math.sign(t1 - t0);
  const span = Math.abs(t1 - t0);
  let accepted = 0;
  let rejected = 0;
  const ys: tf.Tensor[] = [];
  let carry: Carry = { y: plan.y0, schemeState: undefined, noiseState: undefined, sums: {} };
  let schemeSeed: number | undefined;
  let attempts = 0;
  const batch = plan.y0.shape[0]!;
  const eventShape = plan.y0.shape.slice(1);
  const noRandom = () =>
    new ArgumentError(fn, 'scheme', `a scheme that declares requires.randomness before drawing from ctx.random`, `scheme '${scheme.name}' drawing without it`);
  let finished = false;

  const carried = (c: Carry): Set<tf.Tensor> => {
    const set = new Set<tf.Tensor>([c.y]);
    if (c.schemeState !== undefined) {
      for (const t of scheme.tensors ? scheme.tensors(c.schemeState) : collectTensors(c.schemeState)) set.add(t);
    }
    if (noise !== undefined && c.noiseState !== undefined) for (const t of noise.tensors(c.noiseState)) set.add(t);
    for (const t of Object.values(c.sums)) set.add(t);
    return set;
  };
  /** Disposes what `from` holds and `to` does not (only tensors this solve created). */
  const release = (from: Carry, to: Carry | undefined) => {
    const keep = to === undefined ? new Set<tf.Tensor>() : carried(to);
    for (const t of carried(from)) if (!keep.has(t) && owned(t)) t.dispose();
  };
  function* readNumbers(tensor: tf.Tensor): Generator<LoopRequest, number[], ReadResult | undefined> {
    try {
      const data = yield { kind: 'read', tensor };
      return Array.from(data ?? tensor.dataSync());
    } finally {
      tensor.dispose();
    }
  }
  const nonFiniteProbe = (y: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(y, 0)));
  const progress = (t: number, dt: number): SolverProgress => ({
    t,
    dt,
    fraction: Math.min(1, Math.abs(t - t0) / span),
    nfe: counters.drift,
    acceptedSteps: accepted,
    rejectedSteps: rejected,
  });
  const save = (y: tf.Tensor) => ys.push(tf.clone(y));

  const attempt = (from: Carry, ta: number, tb: number, wantError: boolean): Attempt => {
    let out: Attempt | undefined;
    const step = attempts++;
    tf.tidy(() => {
      let dW: tf.Tensor | undefined;
      let noiseState = from.noiseState;
      if (noise !== undefined) {
        const inc = noise.increment(from.noiseState, ta, tb);
        dW = checkIncrement(inc?.dW);
        noiseState = inc.state;
      }
      const ctx: StepContext = { dW, step, batch, eventShape, random: stepRandom(schemeSeed, step, noRandom) };
      const r = scheme.step(term, ta, tb, from.y, dW, from.schemeState, ctx);
      const y1 = r?.y1;
      if (!(y1 instanceof tf.Tensor) || !sameShape(y1.shape, from.y.shape)) {
        throw new ArgumentError(fn, 'scheme', `a scheme whose step returns { y1 } of shape [${from.y.shape.join(', ')}]`, `scheme '${scheme.name}' returning something else`);
      }
      let norm: tf.Scalar | undefined;
      if (wantError) {
        if (!(r.error instanceof tf.Tensor) || !sameShape(r.error.shape, from.y.shape)) {
          throw new ArgumentError(fn, 'scheme', `an adaptive scheme whose step returns an error estimate of shape [${from.y.shape.join(', ')}]`, `scheme '${scheme.name}' returning none or another shape`);
        }
        norm = scaledErrorNorm(r.error, from.y, y1, plan.adaptive!);
      }
      let sums = from.sums;
      if (r.summary !== undefined) {
        sums = { ...from.sums };
        for (const [key, value] of Object.entries(r.summary)) {
          if (!(value instanceof tf.Tensor)) {
            throw new ArgumentError(fn, 'scheme', 'a scheme whose step summary maps names to tensors', `scheme '${scheme.name}' reporting ${key} = ${String(value)}`);
          }
          const previous = from.sums[key];
          sums[key] = previous === undefined ? tf.clone(value) : tf.add(previous, value);
        }
      }
      out = { carry: { y: y1, schemeState: r.state, noiseState, sums }, norm };
      return [...carried(out.carry), ...(norm === undefined ? [] : [norm])];
    });
    return out!;
  };
  /** The increment as `[batch, ...noiseShape]` (a process may return the flat `[batch, dim]`). */
  const checkIncrement = (dW: unknown): tf.Tensor => {
    const shape = plan.noiseShape!;
    if (dW instanceof tf.Tensor && sameShape(dW.shape, shape)) return dW;
    if (dW instanceof tf.Tensor && dW.shape[0] === shape[0] && eventSize(dW.shape.slice(1)) === eventSize(shape.slice(1))) return tf.reshape(dW, shape);
    throw new ArgumentError(fn, 'noise', `a noise process whose increments have shape [${shape.join(', ')}]`, `'${noise!.name}' returning ${dW instanceof tf.Tensor ? `shape [${dW.shape.join(', ')}]` : String(dW)}`);
  };

  try {
    if (plan.checkFinite) {
      const [v] = yield* readNumbers(nonFiniteProbe(plan.y0));
      if (!Number.isFinite(v)) {
        throw new ArgumentError(fn, 'y0', 'a float32 tensor [batch, ...event] with finite values', `a tensor of shape [${plan.y0.shape.join(', ')}] containing NaN or Infinity`);
      }
    }
    if (noise !== undefined) {
      tf.tidy(() => {
        const shape = plan.noiseShape!;
        carry = { ...carry, noiseState: noise.init({ batch, dim: eventSize(shape.slice(1)), shape, t0, t1, seeds: plan.seeds! }) };
        return [...carried(carry)].filter(owned);
      });
    }
    // The scheme's draws take the next seed, after the noise's: solves whose scheme draws nothing consume
    // exactly what they always did.
    if (plan.schemeRandomness) schemeSeed = plan.seeds!.next();
    if (plan.fixed !== undefined) {
      const { times, saveIndex } = plan.fixed;
      if (saveIndex[0] === 0) save(carry.y);
      const saveSet = new Set(saveIndex.filter((i) => i > 0));
      for (let k = 0; k + 1 < times.length; k++) {
        const next = attempt(carry, times[k]!, times[k + 1]!, false);
        release(carry, next.carry);
        carry = next.carry;
        accepted++;
        if (saveSet.has(k + 1)) save(carry.y);
        yield { kind: 'step', accepted: true, progress: progress(times[k + 1]!, times[k + 1]! - times[k]!) };
      }
    } else {
      const o = plan.adaptive!;
      if (plan.saveAt[0] === t0) save(carry.y);
      const errorOrder = scheme.errorOrder ?? Math.max(1, scheme.order - 1);
      const controller = new PIController(o, errorOrder);
      let dtAbs = o.dt0;
      if (dtAbs === undefined) {
        // Hairer–Wanner initial step: two drift evaluations and two scalar reads.
        const y0 = carry.y;
        const f0 = tf.tidy(() => term.drift(t0, y0));
        try {
          const [d0, d1] = yield* readNumbers(tf.tidy(() => initialStepNorms(y0, f0, o)));
          const h0 = Math.min(initialTrialStep(d0!, d1!), span);
          const [d2] = yield* readNumbers(
            tf.tidy(() => {
              const f1 = term.drift(t0 + sign * h0, tf.add(y0, tf.mul(f0, sign * h0)));
              return initialStepCurvature(y0, f0, f1, h0, o);
            }),
          );
          dtAbs = initialStepFromNorms(h0, d1!, d2!, errorOrder);
        } finally {
          if (owned(f0)) f0.dispose();
        }
      }
      dtAbs = Math.min(Math.max(dtAbs, o.minStep), o.maxStep, span);
      const stops = plan.saveAt.filter((s) => s !== t0);
      const saveCount = stops.length;
      if (stops.length === 0 || stops[stops.length - 1] !== t1) stops.push(t1);
      let stop = 0;
      let t = t0;
      while (stop < stops.length) {
        if (accepted + rejected >= o.maxSteps) {
          throw new SolverError(
            fn,
            'max-steps',
            t,
            `reached maxSteps = ${o.maxSteps} (${accepted} accepted, ${rejected} rejected steps) at t = ${t} before t1 = ${t1}; ` +
              'raise options.adaptive.maxSteps, loosen rtol/atol, or check the drift for stiffness',
          );
        }
        const target = stops[stop]!;
        const remaining = Math.abs(target - t);
        const clipped = dtAbs >= remaining;
        const tNext = clipped ? target : t + sign * dtAbs;
        const next = attempt(carry, t, tNext, true);
        const [error] = yield* readNumbers(next.norm!);
        const h = Math.abs(tNext - t);
        if (controller.accepts(error!)) {
          release(carry, next.carry);
          carry = next.carry;
          accepted++;
          const proposal = h * controller.afterAccept(error!);
          dtAbs = Math.min(clipped ? Math.max(dtAbs, proposal) : proposal, o.maxStep);
          const dt = tNext - t;
          t = tNext;
          if (clipped) {
            if (stop < saveCount) save(carry.y);
            stop++;
          }
          yield { kind: 'step', accepted: true, progress: progress(t, dt) };
          if (stop < stops.length && dtAbs < o.minStep) throw underflow(t, dtAbs, error!);
        } else {
          release(next.carry, carry);
          rejected++;
          dtAbs = h * controller.afterReject(error!);
          if (dtAbs < o.minStep) throw underflow(t, dtAbs, error!);
          yield { kind: 'step', accepted: false, progress: progress(t, 0) };
        }
      }
    }

    if (plan.checkFinite) {
      const [v] = yield* readNumbers(nonFiniteProbe(carry.y));
      if (!Number.isFinite(v)) {
        throw new SolverError(
          fn,
          'non-finite',
          t1,
          `the state became non-finite (NaN or Infinity) between t0 = ${t0} and t1 = ${t1} with scheme '${scheme.name}' ` +
            `(${accepted} steps); the drift or diffusion diverged — try smaller or adaptive steps, or check the term`,
        );
      }
    }

    const y = owned(carry.y) ? carry.y : tf.clone(carry.y);
    let schemeStats: Record<string, number | number[]> | undefined;
    const sumKeys = Object.keys(carry.sums);
    if (sumKeys.length > 0) {
      schemeStats = {};
      for (const key of sumKeys) {
        const total = carry.sums[key]!;
        const values = yield* readNumbers(tf.clone(total));
        schemeStats[key] = total.rank === 0 ? values[0]! : values;
      }
    }
    release({ ...carry, y }, { y, schemeState: undefined, noiseState: undefined, sums: {} });
    finished = true;
    const stats = {
      nfe: counters.drift,
      nfeDiffusion: counters.diffusion,
      nfeEnergy: counters.energy,
      acceptedSteps: accepted,
      rejectedSteps: rejected,
      seconds: (performance.now() - started) / 1000,
      ...(schemeStats === undefined ? {} : { scheme: schemeStats }),
    };
    return {
      y,
      t: t1,
      ts: [...plan.saveAt],
      ys,
      stats,
      dispose() {
        y.dispose();
        for (const s of ys) s.dispose();
      },
    };
  } finally {
    if (!finished) {
      release(carry, undefined);
      for (const s of ys) s.dispose();
    }
  }

  function underflow(t: number, dt: number, error: number): SolverError {
    const o = plan.adaptive!;
    const cause = Number.isFinite(error)
      ? `the scaled error was ${error.toPrecision(3)}; the problem may be stiff or singular near t`
      : 'the step produced a non-finite state (NaN or Infinity)';
    return new SolverError(
      fn,
      'step-underflow',
      t,
      `step size underflow at t = ${t}: dt = ${dt.toExponential(3)} is below minStep = ${o.minStep.toExponential(3)} (${cause}); ` +
        'loosen rtol/atol, lower options.adaptive.minStep, or check the term',
    );
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
