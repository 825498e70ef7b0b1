/**
 * A per-step strip of one sample's trajectory: the frames x_{t_0}, x_{t_1}, … of one image laid out in a
 * single row, from noise to sample, as a PNG.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { checkBoolean, checkOptions, checkString } from '../validate.js';
import { encodePng, tileImages, writeLibraryPng } from './png-grid.js';

/** Options of {@link writeTrajectoryStrip}. */
export interface TrajectoryStripOptions {
  /** Which sample of the batch to show (for `[steps, batch, h, w, c]` or a list of `[batch, h, w, c]`). @default 0 */
  sample?: number;
  /** At most this many frames, evenly spaced, always keeping the first and the last. @default all frames */
  maxFrames?: number;
  /** Pixels between frames. @default 2 */
  padding?: number;
  /** Integer upscaling. @default 1 */
  scale?: number;
  /** Replace an existing file that this library did not write. @default false */
  overwrite?: boolean;
}

/** Indices of `count` frames evenly spaced over `0 … total − 1`, first and last included. @internal */
export function frameIndices(total: number, count: number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  if (count === 1) return [total - 1];
  return Array.from({ length: count }, (_, k) => Math.round((k * (total - 1)) / (count - 1)));
}

/**
 * Writes one sample's trajectory as a one-row PNG strip, values mapped from [−1, 1] to 0…255 (values of
 * early, noisy frames outside [−1, 1] are clamped). `frames` is one of:
 *  - a tensor `[steps, h, w, c]` (one sample's frames),
 *  - a tensor `[steps, batch, h, w, c]` (e.g. states saved at several times), shown for `options.sample`,
 *  - an array of `[batch, h, w, c]` tensors, one per step, shown for `options.sample`.
 * Atomic; an existing file the library did not write is replaced only with `overwrite: true`.
 *
 * @returns the strip's width and height and the frame indices shown
 * @example
 * ```ts
 * await writeTrajectoryStrip(states, 'out/trajectory.png', { sample: 3, maxFrames: 10, scale: 2 });
 * ```
 */
export async function writeTrajectoryStrip(
  frames: tf.Tensor | readonly tf.Tensor[],
  path: string,
  options?: TrajectoryStripOptions,
): Promise<{ width: number; height: number; frames: number[] }> {
  const fn = 'writeTrajectoryStrip';
  checkString(fn, 'path', path);
  const opts = checkOptions(fn, options, ['sample', 'maxFrames', 'padding', 'scale', 'overwrite']);
  const sample = checkNumber(fn, 'options.sample', opts.sample ?? 0, { integer: true, min: 0 });
  const padding = checkNumber(fn, 'options.padding', opts.padding ?? 2, { integer: true, min: 0 });
  const scale = checkNumber(fn, 'options.scale', opts.scale ?? 1, { integer: true, min: 1, max: 64 });
  const overwrite = checkBoolean(fn, 'options.overwrite', opts.overwrite ?? false);
  const bad = () => new ArgumentError(fn, 'frames', 'a float32 [steps, h, w, 1|3] or [steps, batch, h, w, 1|3] tensor, or a non-empty array of [batch, h, w, 1|3] tensors', describeValue(frames));
  let list: tf.Tensor[];
  if (Array.isArray(frames)) {
    if (frames.length === 0 || !frames.every((f) => f instanceof tf.Tensor && f.rank === 4 && f.dtype === 'float32')) throw bad();
    list = frames as tf.Tensor[];
  } else if (frames instanceof tf.Tensor && frames.dtype === 'float32' && (frames.rank === 4 || frames.rank === 5)) {
    list = tf.unstack(frames, 0);
  } else throw bad();
  try {
    const event = list[0]!.shape.slice(frames instanceof tf.Tensor && frames.rank === 4 ? 0 : 1);
    const batch = frames instanceof tf.Tensor && frames.rank === 4 ? 1 : list[0]!.shape[0]!;
    if (event.length !== 3 || (event[2] !== 1 && event[2] !== 3) || list.some((f) => f.shape.join(',') !== list[0]!.shape.join(','))) throw bad();
    if (sample >= batch) throw new ArgumentError(fn, 'options.sample', `a sample index in 0 … ${batch - 1}`, String(sample));
    const maxFrames = checkNumber(fn, 'options.maxFrames', opts.maxFrames ?? list.length, { integer: true, min: 1 });
    const chosen = frameIndices(list.length, maxFrames);
    const [h, w, c] = event as [number, number, number];
    const per = h * w * c;
    const values = new Float32Array(chosen.length * per);
    for (let k = 0; k < chosen.length; k++) {
      const f = list[chosen[k]!]!;
      const data = f.dataSync();
      const offset = frames instanceof tf.Tensor && frames.rank === 4 ? 0 : sample * per;
      values.set(data.subarray(offset, offset + per), k * per);
    }
    const raster = tileImages(values, [chosen.length, h, w, c], chosen.length, padding, scale, 1);
    await writeLibraryPng(fn, path, await encodePng(raster), overwrite);
    return { width: raster.width, height: raster.height, frames: chosen };
  } finally {
    if (!Array.isArray(frames)) tf.dispose(list);
  }
}
