/**
 * A time- and class-conditioned U-Net for channels-last images, built with tfjs-layers so it saves and
 * reloads like the MLP.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../src/errors.js';
import { GroupNormalization } from './group-norm.js';
import { normalInitializerSeed } from './initializer-seed.js';
import { SpatialSelfAttention } from './self-attention.js';
import { TimeFeatures } from './time-features.js';

/** Options of {@link timeConditionedUNet}. */
export interface TimeConditionedUNetOptions {
  /** Image height and width (`[h, w]`, or one number for square images); need not be powers of two. */
  imageSize: number | [number, number];
  /** Image channels (1 grey, 3 RGB). @default 1 */
  channels?: number;
  /** Channel width of each resolution level, finest first; the image is halved between levels. @default [32, 64] */
  widths?: number[];
  /** Residual blocks per level (encoder and decoder each). @default 1 */
  blocksPerLevel?: number;
  /** Groups of every group normalisation (must divide every width). @default 8 */
  groups?: number;
  /** Sinusoidal time frequencies (see {@link TimeFeatures}). @default 16 */
  timeFrequencies?: number;
  /** Highest time frequency. @default 64 */
  maxTimeFrequency?: number;
  /** Width of the time (and label) embedding MLP, added into every residual block. @default 128 */
  embedding?: number;
  /**
   * Number of classes for class conditioning (labels 0…K−1, and K as the null label for classifier-free
   * guidance); 0 for none. @default 0
   */
  numClasses?: number;
  /** Width of the label embedding. @default 32 */
  labelEmbedding?: number;
  /**
   * Output heads (fields learned together, e.g. b and s): the output is `[b, h, w, heads·channels]`, head k
   * in channels `k·channels … (k+1)·channels − 1`. @default 1
   */
  heads?: number;
  /** Seed of the initial weights. @default 0 */
  seed?: number;
  /** Scale of the output convolution's initial weights (small starts the field near zero). @default 1 */
  outputScale?: number;
  /**
   * Heads of a self-attention block at the lowest resolution (after the middle residual block:
   * `h + attention(GroupNorm(h))`, see {@link SpatialSelfAttention}); 0 for none. Must divide the last width.
   * @default 0
   */
  attentionHeads?: number;
  /** Group normalisation from ordinary ops instead of the fused node (for benchmarks). @default false */
  plainGroupNorm?: boolean;
}

/**
 * Adds a per-image vector `e: [b, c]` to every pixel of `h: [b, …, c]` (the time embedding of a residual
 * block). Serialisable (`SiAddEmbedding`); no weights.
 */
export class AddEmbedding extends tfl.layers.Layer {
  /** tfjs-layers serialisation name. */
  static readonly className = 'SiAddEmbedding';

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (inputShape as tfl.Shape[])[0]!;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [h, e] = inputs as [tf.Tensor, tf.Tensor];
    const shape = [e.shape[0]!, ...new Array<number>(h.rank - 2).fill(1), e.shape[1]!];
    return tf.add(h, tf.reshape(e, shape));
  }
}
tf.serialization.registerClass(AddEmbedding);

/** Arguments of {@link ResizeNearest}. */
export interface ResizeNearestArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
  /** Layer name (tfjs-layers). */
  name?: string;
}

/**
 * Nearest-neighbour resize of `[b, h, w, c]` to a fixed `[height, width]` (`tf.image.resizeNearestNeighbor`):
 * a 2× upsampling when the sizes are exact, otherwise the nearest pixels of the target grid, so a decoder
 * level always matches its skip connection exactly (28 → 14 → 7 and back, or 15 → 8 → 15).
 * Serialisable (`SiResizeNearest`).
 */
export class ResizeNearest extends tfl.layers.Layer {
  /** tfjs-layers serialisation name. */
  static readonly className = 'SiResizeNearest';
  readonly height: number;
  readonly width: number;

  constructor(args: ResizeNearestArgs) {
    super({ name: args.name });
    this.height = checkNumber('ResizeNearest', 'height', args.height, { min: 1, integer: true });
    this.width = checkNumber('ResizeNearest', 'width', args.width, { min: 1, integer: true });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0] ?? null, this.height, this.width, s[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.image.resizeNearestNeighbor(x, [this.height, this.width]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}
tf.serialization.registerClass(ResizeNearest);

/**
 * Builds a U-Net field `f(x, t[, label])` for images: inputs named `x: [b, h, w, channels]`, `t: [b, 1]`
 * (and `label: [b, 1]`, class indices 0…K with K the null class, when `numClasses > 0`); output
 * `[b, h, w, heads·channels]`.
 *
 * Layout: a 3×3 input conv; per level, `blocksPerLevel` residual blocks (GroupNorm → swish → 3×3 conv,
 * plus the embedding, → GroupNorm → swish → 3×3 conv, plus the input, through a 1×1 conv when the width
 * changes), then a stride-2 'same' 3×3 conv to the next width (sizes round up: 28 → 14 → 7, 15 → 8);
 * a residual block at the lowest resolution (then, with `attentionHeads`, a self-attention block); per decoder level, a nearest resize to the skip's exact size,
 * a 3×3 conv, concatenation with the skip and `blocksPerLevel` residual blocks; GroupNorm → swish → 3×3
 * output conv. The embedding is `Dense(E) ∘ swish ∘ Dense(E)` of `[t, sin(2π f t), cos(2π f t)]` (and the
 * label embedding). With `widths: [32, 64]` this is the network of `../shared/reference/torch_unet.py`.
 *
 * @example
 * ```ts
 * const model = timeConditionedUNet({ imageSize: 28, widths: [32, 64], numClasses: 10 });
 * const v = model.predict([x, t, labels]) as tf.Tensor4D; // x: [b, 28, 28, 1], t, labels: [b, 1]
 * ```
 */
export function timeConditionedUNet(options: TimeConditionedUNetOptions): tfl.LayersModel {
  const fn = 'timeConditionedUNet';
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(fn, 'options', 'an options object with at least { imageSize }', describeValue(options));
  }
  const size = typeof options.imageSize === 'number' ? [options.imageSize, options.imageSize] : options.imageSize;
  if (!Array.isArray(size) || size.length !== 2) {
    throw new ArgumentError(fn, 'options.imageSize', 'a number or [height, width]', describeValue(options.imageSize));
  }
  const height = checkNumber(fn, 'options.imageSize[0]', size[0], { min: 1, integer: true });
  const width = checkNumber(fn, 'options.imageSize[1]', size[1], { min: 1, integer: true });
  const channels = checkNumber(fn, 'options.channels', options.channels ?? 1, { min: 1, integer: true });
  const widths = options.widths ?? [32, 64];
  if (!Array.isArray(widths) || widths.length === 0) {
    throw new ArgumentError(fn, 'options.widths', 'a non-empty array of channel widths', describeValue(widths));
  }
  const groups = checkNumber(fn, 'options.groups', options.groups ?? 8, { min: 1, integer: true });
  widths.forEach((w, i) => {
    checkNumber(fn, `options.widths[${i}]`, w, { min: 1, integer: true });
    if (w % groups !== 0) throw new ArgumentError(fn, `options.widths[${i}]`, `a multiple of options.groups (${groups})`, String(w));
  });
  const levels = widths.length;
  const smallest = 2 ** (levels - 1);
  if (height < smallest || width < smallest) {
    throw new ArgumentError(fn, 'options.imageSize', `at least ${smallest}×${smallest} for ${levels} levels (each halves the image)`, `${height}×${width}`);
  }
  const blocks = checkNumber(fn, 'options.blocksPerLevel', options.blocksPerLevel ?? 1, { min: 1, integer: true });
  const frequencies = checkNumber(fn, 'options.timeFrequencies', options.timeFrequencies ?? 16, { min: 1, integer: true });
  const maxFrequency = checkNumber(fn, 'options.maxTimeFrequency', options.maxTimeFrequency ?? 64, { min: 0.5 });
  const embWidth = checkNumber(fn, 'options.embedding', options.embedding ?? 128, { min: 1, integer: true });
  const numClasses = checkNumber(fn, 'options.numClasses', options.numClasses ?? 0, { min: 0, integer: true });
  const heads = checkNumber(fn, 'options.heads', options.heads ?? 1, { min: 1, integer: true });
  const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
  const outputScale = checkNumber(fn, 'options.outputScale', options.outputScale ?? 1, { min: 0 });
  const plain = options.plainGroupNorm ?? false;
  const attentionHeads = checkNumber(fn, 'options.attentionHeads', options.attentionHeads ?? 0, { min: 0, integer: true });
  if (attentionHeads > 0 && widths[levels - 1]! % attentionHeads !== 0) {
    throw new ArgumentError(fn, 'options.attentionHeads', `a divisor of the lowest level's width ${widths[levels - 1]!}`, String(attentionHeads));
  }

  let layerSeed = seed;
  const init = () => tfl.initializers.glorotUniform({ seed: layerSeed++ });
  const apply = (layer: tfl.layers.Layer, input: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(input) as tfl.SymbolicTensor;
  const conv = (filters: number, kernelSize: number, name: string, strides = 1) =>
    tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', kernelInitializer: init(), name });
  const swish = (name: string) => tfl.layers.activation({ activation: 'swish', name });
  const norm = (name: string) => new GroupNormalization({ groups, plain, name });

  // Embedding of time (and label).
  const x = tfl.input({ shape: [height, width, channels], name: 'x' });
  const t = tfl.input({ shape: [1], name: 't' });
  const inputs = [x, t];
  const parts = [apply(new TimeFeatures({ frequencies, maxFrequency, name: 'time_features' }), t)];
  if (numClasses > 0) {
    const label = tfl.input({ shape: [1], name: 'label' });
    inputs.push(label);
    const labelWidth = checkNumber(fn, 'options.labelEmbedding', options.labelEmbedding ?? 32, { min: 1, integer: true });
    const embedded = apply(
      tfl.layers.embedding({ inputDim: numClasses + 1, outputDim: labelWidth, embeddingsInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: normalInitializerSeed(layerSeed++) }), name: 'label_embedding' }),
      label,
    );
    parts.push(apply(tfl.layers.flatten({ name: 'label_flat' }), embedded));
  }
  const features = parts.length > 1 ? apply(tfl.layers.concatenate({ name: 'conditioning' }), parts) : parts[0]!;
  const e1 = apply(tfl.layers.dense({ units: embWidth, activation: 'swish', kernelInitializer: init(), name: 'emb_1' }), features);
  const emb = apply(tfl.layers.dense({ units: embWidth, kernelInitializer: init(), name: 'emb_2' }), e1);

  const resBlock = (h: tfl.SymbolicTensor, out: number, name: string) => {
    const cin = h.shape[3] as number;
    let y = apply(conv(out, 3, `${name}_conv1`), apply(swish(`${name}_act1`), apply(norm(`${name}_norm1`), h)));
    y = apply(new AddEmbedding({ name: `${name}_emb_add` }), [y, apply(tfl.layers.dense({ units: out, kernelInitializer: init(), name: `${name}_emb` }), emb)]);
    y = apply(conv(out, 3, `${name}_conv2`), apply(swish(`${name}_act2`), apply(norm(`${name}_norm2`), y)));
    const skip = cin === out ? h : apply(conv(out, 1, `${name}_skip`), h);
    return apply(tfl.layers.add({ name: `${name}_out` }), [y, skip]);
  };

  let h = apply(conv(widths[0]!, 3, 'conv_in'), x);
  const skips: tfl.SymbolicTensor[] = [];
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < blocks; j++) h = resBlock(h, widths[i]!, `down${i}_block${j}`);
    if (i < levels - 1) {
      skips.push(h);
      h = apply(conv(widths[i + 1]!, 3, `down${i}_conv`, 2), h);
    }
  }
  h = resBlock(h, widths[levels - 1]!, 'mid');
  if (attentionHeads > 0) {
    const attended = apply(new SpatialSelfAttention({ heads: attentionHeads, seed: layerSeed++, name: 'mid_attention' }), apply(norm('mid_attention_norm'), h));
    h = apply(tfl.layers.add({ name: 'mid_attention_out' }), [h, attended]);
  }
  for (let i = levels - 2; i >= 0; i--) {
    const skip = skips.pop()!;
    const [sh, sw] = [skip.shape[1] as number, skip.shape[2] as number];
    h = apply(new ResizeNearest({ height: sh, width: sw, name: `up${i}_resize` }), h);
    h = apply(conv(widths[i]!, 3, `up${i}_conv`), h);
    h = apply(tfl.layers.concatenate({ axis: -1, name: `up${i}_concat` }), [h, skip]);
    for (let j = 0; j < blocks; j++) h = resBlock(h, widths[i]!, `up${i}_block${j}`);
  }
  h = apply(swish('out_act'), apply(norm('out_norm'), h));
  const out = apply(
    tfl.layers.conv2d({
      filters: heads * channels,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tfl.initializers.varianceScaling({ scale: Math.max(outputScale, 1e-12) ** 2, mode: 'fanAvg', distribution: 'uniform', seed: layerSeed++ }),
      name: 'conv_out',
    }),
    h,
  );
  return tfl.model({ inputs, outputs: out, name: 'time_conditioned_unet' });
}
