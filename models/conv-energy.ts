/**
 * A scalar energy network for images, `E_θ: [batch, h, w, c] → [batch]`, built from the U-Net's parts: its
 * residual blocks (GroupNorm → swish → 3×3 conv, twice, plus the input) and its group normalisation layer,
 * without the time embedding, a global average pool and a linear scalar head; plus a fixed confining
 * `½ α |x|²` inside the network (a serialisable layer), so the whole energy saves and reloads as one
 * tfjs-layers model.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../src/errors.js';
import type { EnergyModel } from '../src/ebm/energy-model.js';
import { modelBuilderNames, registerModelBuilder } from '../src/train/model-builders.js';
import { GroupNormalization } from './group-norm.js';

/** Arguments of {@link HalfSquaredNorm}. */
export interface HalfSquaredNormArgs {
  /** α ≥ 0. */
  alpha: number;
  /** Layer name (tfjs-layers). */
  name?: string;
}

/**
 * `x ↦ ½ α Σ x²` per row: `[batch, ...]` → `[batch, 1]`. No weights; serialisable (`SiHalfSquaredNorm`).
 *
 * @example
 * ```ts
 * const c = new HalfSquaredNorm({ alpha: 0.01 }).apply(x) as tfl.SymbolicTensor; // [b, 1]
 * ```
 */
export class HalfSquaredNorm extends tfl.layers.Layer {
  /** tfjs-layers serialisation name. */
  static readonly className = 'SiHalfSquaredNorm';
  readonly alpha: number;

  constructor(args: HalfSquaredNormArgs) {
    super({ name: args.name });
    this.alpha = checkNumber('HalfSquaredNorm', 'alpha', args.alpha, { min: 0 });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0] ?? null, 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.mul(0.5 * this.alpha, tf.sum(tf.square(tf.reshape(x, [x.shape[0]!, -1])), 1, true)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
tf.serialization.registerClass(HalfSquaredNorm);

/** Options of {@link convEnergyNetwork} and {@link convEnergy}. */
export interface ConvEnergyOptions {
  /** Image height and width (`[h, w]`, or one number for square images). */
  imageSize: number | [number, number];
  /** Image channels. @default 1 */
  channels?: number;
  /** Channel width of each resolution level, finest first; the image is halved between levels. @default [16, 32] */
  widths?: number[];
  /** Residual blocks per level. @default 1 */
  blocksPerLevel?: number;
  /** Groups of every group normalisation (must divide every width). @default 8 */
  groups?: number;
  /** α ≥ 0 of the confining term `½ α |x|²`. @default 0.01 */
  confinement?: number;
  /** Seed of the initial weights. @default 0 */
  seed?: number;
}

/**
 * The network of {@link convEnergy}: input `x: [b, h, w, channels]`, output `[b, 1]`. Layout: a 3×3 input
 * conv; per level, `blocksPerLevel` residual blocks of the U-Net's form (GroupNorm → swish → 3×3 conv →
 * GroupNorm → swish → 3×3 conv, plus the input through a 1×1 conv when the width changes) and, between
 * levels, a stride-2 3×3 conv to the next width; GroupNorm → swish → global average pool → a dense scalar;
 * plus `½ α |x|²`.
 *
 * @throws ArgumentError for a bad image size, channel count, widths (each a multiple of `groups`), blocks or seed
 * @example
 * ```ts
 * const net = convEnergyNetwork({ imageSize: 8, widths: [8, 16] });
 * const e = net.predict(tf.zeros([4, 8, 8, 1])) as tf.Tensor; // [4, 1]
 * ```
 */
export function convEnergyNetwork(options: ConvEnergyOptions): tfl.LayersModel {
  const fn = 'convEnergyNetwork';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object with at least { imageSize }', describeValue(options));
  const size = typeof options.imageSize === 'number' ? [options.imageSize, options.imageSize] : options.imageSize;
  if (!Array.isArray(size) || size.length !== 2) throw new ArgumentError(fn, 'options.imageSize', 'a number or [height, width]', describeValue(options.imageSize));
  const height = checkNumber(fn, 'options.imageSize[0]', size[0], { min: 1, integer: true });
  const width = checkNumber(fn, 'options.imageSize[1]', size[1], { min: 1, integer: true });
  const channels = checkNumber(fn, 'options.channels', options.channels ?? 1, { min: 1, integer: true });
  const groups = checkNumber(fn, 'options.groups', options.groups ?? 8, { min: 1, integer: true });
  const widths = options.widths ?? [16, 32];
  if (!Array.isArray(widths) || widths.length === 0) throw new ArgumentError(fn, 'options.widths', 'a non-empty array of channel widths', describeValue(widths));
  widths.forEach((w, i) => {
    checkNumber(fn, `options.widths[${i}]`, w, { min: 1, integer: true });
    if (w % groups !== 0) throw new ArgumentError(fn, `options.widths[${i}]`, `a multiple of options.groups (${groups})`, String(w));
  });
  const blocks = checkNumber(fn, 'options.blocksPerLevel', options.blocksPerLevel ?? 1, { min: 1, integer: true });
  const alpha = checkNumber(fn, 'options.confinement', options.confinement ?? 0.01, { min: 0 });
  let layerSeed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });

  const init = () => tfl.initializers.glorotUniform({ seed: layerSeed++ });
  const apply = (layer: tfl.layers.Layer, input: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(input) as tfl.SymbolicTensor;
  const conv = (filters: number, kernelSize: number, name: string, strides = 1) =>
    tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', kernelInitializer: init(), name });
  const swish = (name: string) => tfl.layers.activation({ activation: 'swish', name });
  const norm = (name: string) => new GroupNormalization({ groups, name });
  const resBlock = (h: tfl.SymbolicTensor, out: number, name: string) => {
    const cin = h.shape[3] as number;
    let y = apply(conv(out, 3, `${name}_conv1`), apply(swish(`${name}_act1`), apply(norm(`${name}_norm1`), h)));
    y = apply(conv(out, 3, `${name}_conv2`), apply(swish(`${name}_act2`), apply(norm(`${name}_norm2`), y)));
    const skip = cin === out ? h : apply(conv(out, 1, `${name}_skip`), h);
    return apply(tfl.layers.add({ name: `${name}_out` }), [y, skip]);
  };

  const x = tfl.input({ shape: [height, width, channels], name: 'x' });
  let h = apply(conv(widths[0]!, 3, 'conv_in'), x);
  widths.forEach((w, i) => {
    for (let j = 0; j < blocks; j++) h = resBlock(h, w, `level${i}_block${j}`);
    if (i < widths.length - 1) h = apply(conv(widths[i + 1]!, 3, `level${i}_down`, 2), h);
  });
  h = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), apply(swish('out_act'), apply(norm('out_norm'), h)));
  let out = apply(tfl.layers.dense({ units: 1, kernelInitializer: init(), name: 'energy' }), h);
  if (alpha > 0) out = apply(tfl.layers.add({ name: 'energy_confined' }), [out, apply(new HalfSquaredNorm({ alpha, name: 'confinement' }), x)]);
  return tfl.model({ inputs: x, outputs: out, name: 'conv_energy' });
}

/** The model returned by {@link convEnergy}. */
export interface ConvEnergy extends EnergyModel {
  /** The network (`[b, h, w, c] → [b, 1]`), also `modules.energy`. */
  readonly network: tfl.LayersModel;
  /** Disposes the network's weights (a no-op when a Trainer already disposed them). */
  dispose(): void;
}

/**
 * A convolutional energy `E_θ(x) = f_θ(x) + ½ α |x|²` for channels-last images (see {@link convEnergyNetwork}
 * for the layout), as an `EnergyModel` whose network is `modules.energy`; or, with `network`, the same
 * wrapper around a network already built or reloaded (`tfl.loadLayersModel`).
 *
 * @throws ArgumentError for bad options, or a `network` whose input is not `[b, h, w, c]` with a `[b, 1]` output
 * @example
 * ```ts
 * const model = convEnergy({ imageSize: 28, widths: [16, 32] });
 * const e = model.energy(images);               // [batch]
 * const score = scoreFromEnergy(model.energy); // −∇E, a score field
 * ```
 */
export function convEnergy(options: ConvEnergyOptions | { network: tfl.LayersModel }): ConvEnergy {
  const fn = 'convEnergy';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object ({ imageSize, … } or { network })', describeValue(options));
  const given = (options as { network?: tfl.LayersModel }).network;
  const network = given ?? convEnergyNetwork(options as ConvEnergyOptions);
  const inShape = network.inputs[0]?.shape;
  const outShape = network.outputs[0]?.shape;
  if (network.inputs.length !== 1 || inShape?.length !== 4 || outShape?.length !== 2 || outShape[1] !== 1) {
    throw new ArgumentError(fn, 'options.network', 'a network with one input [b, h, w, c] and output [b, 1]', `inputs [${(inShape ?? []).join(', ')}], output [${(outShape ?? []).join(', ')}]`);
  }
  const shape = inShape.slice(1) as number[];
  return {
    eventShape: shape,
    modules: { energy: network },
    variables: {},
    network,
    description: `conv energy (${network.countParams()} weights) on images of shape [${shape.join(', ')}]`,
    energy(x) {
      return tf.tidy(() => tf.reshape(network.apply(x) as tf.Tensor, [x.shape[0]!]) as tf.Tensor1D);
    },
    dispose() {
      try {
        network.dispose();
      } catch (err) {
        if (!/already disposed/.test(String(err))) throw err;
      }
    },
  };
}

/** The registered name of the conv energy's network builder. */
export const CONV_ENERGY_BUILDER = 'conv-energy';

/**
 * Registers `'conv-energy'` (→ `convEnergyNetwork(options)`) with the model-builder registry if it is not
 * registered yet. Idempotent; also run when this module is imported.
 *
 * @example
 * ```ts
 * registerConvEnergyBuilder();
 * const net = buildModel({ builder: 'conv-energy', options: { imageSize: 28 } });
 * const model = convEnergy({ network: net });
 * ```
 */
export function registerConvEnergyBuilder(): void {
  if (!modelBuilderNames().includes(CONV_ENERGY_BUILDER)) {
    registerModelBuilder(CONV_ENERGY_BUILDER, (o) => convEnergyNetwork(o as unknown as ConvEnergyOptions));
  }
}

registerConvEnergyBuilder();
