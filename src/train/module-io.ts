/**
 * A tfjs-layers model to bytes and back, in tfjs's own `model.json` + weights layout (so tfjs's loaders can
 * read a saved module too). No filesystem access here.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError } from '../errors.js';
import { createRegistry } from '../registry.js';
import { concatBytes, sizeOfShape } from './checkpoint-format.js';
import type { CheckpointTensorEntry } from './checkpoint-format.js';

/** A model serialised: its model.json text (bytes), its weights, and the weight list. */
export interface EncodedModule {
  topology: Uint8Array;
  weights: Uint8Array;
  tensors: CheckpointTensorEntry[];
}

function weightDataBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  return concatBytes(buffers.map((b) => new Uint8Array(b)));
}

/**
 * Serialises a model (topology and weights) in memory.
 * @param weightsPath - the weights file's name as written into model.json's `weightsManifest`
 */
export async function encodeModule(fn: string, arg: string, model: tfl.LayersModel, weightsPath: string): Promise<EncodedModule> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  if (artifacts === undefined || artifacts.modelTopology === undefined) {
    throw new ArgumentError(fn, arg, 'a model that saves its topology', 'a model whose save() produced none');
  }
  const weightSpecs = artifacts.weightSpecs ?? [];
  for (const s of weightSpecs) {
    if ((s.dtype !== 'float32' && s.dtype !== 'int32') || s.quantization !== undefined) {
      throw new ArgumentError(fn, arg, 'a model with unquantised float32 or int32 weights', `weight '${s.name}' of dtype ${s.dtype}${s.quantization !== undefined ? ' (quantised)' : ''}`);
    }
  }
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    ...(artifacts.trainingConfig !== undefined ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    weightsManifest: [{ paths: [weightsPath], weights: weightSpecs }],
  };
  let offset = 0;
  const tensors: CheckpointTensorEntry[] = weightSpecs.map((s) => {
    const byteLength = sizeOfShape(s.shape) * 4;
    const entry = { name: s.name, shape: [...s.shape], dtype: s.dtype as 'float32' | 'int32', offset, byteLength };
    offset += byteLength;
    return entry;
  });
  return { topology: new TextEncoder().encode(JSON.stringify(modelJson)), weights: weightDataBytes(artifacts.weightData), tensors };
}

/** The parsed model.json of a saved module. */
export interface ModuleJson {
  modelTopology?: object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  [k: string]: unknown;
}

/** Whether model.json's weight list is the manifest's. */
export function weightSpecsMatch(specs: tf.io.WeightsManifestEntry[], entries: CheckpointTensorEntry[]): boolean {
  return (
    specs.length === entries.length &&
    specs.every((s, i) => {
      const e = entries[i]!;
      return s.name === e.name && s.dtype === e.dtype && s.shape.length === e.shape.length && s.shape.every((d, j) => d === e.shape[j]);
    })
  );
}

/** A function applied to every model {@link decodeModule} rebuilds; returns the model to use (often the same one). */
export type DecodedModuleWrapper = (model: tfl.LayersModel) => tfl.LayersModel;

const decodedModuleWrappers = createRegistry<DecodedModuleWrapper>({
  kind: 'decoded-module wrapper',
  builtins: {},
  registerFn: 'registerDecodedModuleWrapper',
  isValue: (v) => typeof v === 'function',
  valueText: 'a function (model) => LayersModel',
  valueArg: 'wrap',
});

/**
 * Registers a wrapper that {@link decodeModule} applies to every model it rebuilds, in registration order
 * (process-wide, in the library's one registry; a second registration under the same name replaces the
 * first, so a module evaluated twice registers once). The library imports no network: `models/` registers
 * here what its networks need once reloaded, e.g. the dense-stack fast path of the time-conditioned MLP, so
 * that a reloaded model runs exactly as the one built in memory. A wrapper must return models it does not
 * recognise unchanged.
 *
 * @param name - the wrapper's key (letters, digits, -, _, . or :)
 * @param wrap - called with each rebuilt model; returns the model to hand out
 * @throws {ArgumentError} when `name` is not such a name or `wrap` not a function.
 * @example
 * ```ts
 * registerDecodedModuleWrapper('dense-stack', withDenseStackFastPath);
 * ```
 */
export function registerDecodedModuleWrapper(name: string, wrap: DecodedModuleWrapper): void {
  decodedModuleWrappers.register(name, wrap, { replace: true });
}

/**
 * Rebuilds a model from its model.json and weights (custom layers must be registered), then applies the
 * wrappers registered with {@link registerDecodedModuleWrapper}.
 */
export async function decodeModule(modelJson: ModuleJson, weights: Uint8Array): Promise<tfl.LayersModel> {
  let model = await rebuild(modelJson, weights);
  for (const name of decodedModuleWrappers.names()) model = decodedModuleWrappers.get(name)(model);
  return model;
}

function rebuild(modelJson: ModuleJson, weights: Uint8Array): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest![0]!.weights,
      weightData: weights.slice().buffer as ArrayBuffer,
      format: modelJson.format as string | undefined,
      generatedBy: modelJson.generatedBy as string | undefined,
      convertedBy: modelJson.convertedBy as string | null | undefined,
    }),
  );
}
