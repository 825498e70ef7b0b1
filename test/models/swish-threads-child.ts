// Child process of swish-activation-threads.test.ts: starts wasm with the thread count in argv[2] (fixed
// when wasm starts, hence a fresh process), takes the gradient of a swish activation layer through the
// library's class and through tfjs-layers' original, and prints one JSON line: the thread count, whether
// the memory is shared, whether the SIMD kernel is available, and how many elements differ in bits.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FastSwish, OriginalSwish } from '../../models/swish-activation.js';
import { initBackend } from '../../src/backend.js';
import { swishGradAvailable } from '../../src/kernels/wasm-swish-grad.js';
import { wasmThreadCount } from '../../src/wasm-threads.js';

type Registrable = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;
const threads = Number(process.argv[2]);
await initBackend('wasm', { log: null, threads });
const backend = tf.backend() as never as { wasm: { wasmMemory?: WebAssembly.Memory; asm: { memory?: WebAssembly.Memory } } };
const memory = backend.wasm.wasmMemory ?? backend.wasm.asm.memory!;
const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

const fast = tfl.layers.activation({ activation: 'swish' });
tf.serialization.registerClass(OriginalSwish as unknown as Registrable);
const original = tfl.layers.activation({ activation: 'swish' });
tf.serialization.registerClass(FastSwish as unknown as Registrable);
const x = tf.randomNormal([5, 9, 9, 7], 0, 4, 'float32', 1);
const w = tf.randomNormal([5, 9, 9, 7], 0, 1, 'float32', 2);
const grad = (layer: tfl.layers.Layer) =>
  tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, w)))(x).dataSync() as Float32Array;
const gf = grad(fast);
const go = grad(original);
let differ = 0;
for (let i = 0; i < go.length; i++) if (!Object.is(gf[i], go[i])) differ++;
console.log(JSON.stringify({ threads: await wasmThreadCount(), shared, available: swishGradAvailable(tf.backend() as never), differ, n: go.length }));
