/**
 * The filter gradient of the U-Net's stride-1 convs on wasm, by path, against the forward conv of the same
 * shape (XNNPACK), in GFLOP/s by CPU clock (process.cpuUsage), all in one process:
 *
 *   npx tsx bench/simd-filter-grad.ts          (batch 64; BATCH=… and REPEATS=… override)
 *   SI_THREADS=2 CLOCK=wall npx tsx bench/simd-filter-grad.ts   (XNNPACK on two threads; the SIMD kernels use one)
 *
 * The forward conv runs on XNNPACK (tf.conv2d) and on the library's SIMD conv (src/kernels/wasm-simd-conv2d.ts;
 * only for 32 or 64 input channels, else NaN). Filter-gradient paths: the library's WebAssembly SIMD kernel (src/kernels/wasm-simd-conv2d-backprop-filter.ts), the
 * XNNPACK shifted products over a padded grid and the XNNPACK one-convolution form
 * (src/kernels/wasm-conv2d-backprop-filter.ts). Each figure is the median of REPEATS timed calls.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { wasmThreadCount } from '../src/wasm-threads.js';
import { convFormFilterGrad, shiftedProductsFilterGrad } from '../src/kernels/wasm-conv2d-backprop-filter.js';
import { simdConv2DBackpropFilter } from '../src/kernels/wasm-simd-conv2d-backprop-filter.js';
import { simdConv2D } from '../src/kernels/wasm-simd-conv2d.js';

await initBackend('wasm', { log: null });
const threads = await wasmThreadCount();
const batch = Number(process.env.BATCH ?? 64);
const repeats = Number(process.env.REPEATS ?? 7);
/** [H, W, CI, CO, filter size] of the U-Net's stride-1 convs (widths 32/64). */
const SHAPES: [number, number, number, number, number][] = [
  [28, 28, 32, 32, 3],
  [14, 14, 64, 64, 3],
  [28, 28, 1, 32, 3],
  [28, 28, 64, 32, 3],
  [28, 28, 64, 32, 1],
];

/** CLOCK=wall times on the wall clock (for SI_THREADS=2, where the CPU clock adds the threads up). */
const wall = process.env.CLOCK === 'wall';

function medianCpuMs(f: () => void): number {
  f();
  f();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = process.cpuUsage();
    const w = performance.now();
    f();
    const u = process.cpuUsage(t);
    samples.push(wall ? performance.now() - w : (u.user + u.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const backend = tf.backend() as never;
console.log(`batch ${batch}, ${threads} wasm thread(s), median of ${repeats} calls, GFLOP/s by ${wall ? 'wall' : 'CPU'} clock (ms in brackets)`);
for (const [h, w, ci, co, k] of SHAPES) {
  const x = tf.randomNormal([batch, h, w, ci], 0, 1, 'float32', 1) as tf.Tensor4D;
  const filter = tf.randomNormal([k, k, ci, co], 0, 1, 'float32', 3) as tf.Tensor4D;
  const info = tf.backend_util.computeConv2DInfo(x.shape, [k, k, ci, co], 1, 1, 'same', undefined, false, 'channelsLast');
  const dy = tf.randomNormal(info.outShape, 0, 1, 'float32', 2);
  const gflop = (2 * batch * h * w * k * k * ci * co) / 1e9;
  const run = (make: () => tf.TensorInfo | null) => () => {
    const out = make();
    if (out === null) throw new Error('declined');
    tf.engine().makeTensorFromTensorInfo(out).dispose();
  };
  const time = (f: () => void) => {
    try {
      return medianCpuMs(f);
    } catch {
      return NaN;
    }
  };
  const cells: [string, number][] = [
    ['forward conv', medianCpuMs(() => tf.conv2d(x, filter, 1, 'same').dispose())],
    ['SIMD forward conv', time(run(() => simdConv2D(backend, x, filter, null, k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0])))],
    ['SIMD filter grad', time(run(() => simdConv2DBackpropFilter(backend, x, dy, info)))],
    ['shifted products', medianCpuMs(run(() => shiftedProductsFilterGrad(backend, x, dy, info)))],
    ['one conv', medianCpuMs(run(() => convFormFilterGrad(backend, x, dy, info)))],
  ];
  console.log(`${h}×${w}×${ci} → ${co}, ${k}×${k}: ` + cells.map(([name, ms]) => `${name} ${(gflop / ms * 1e3).toFixed(1)} (${ms.toFixed(1)} ms)`).join(', '));
  tf.dispose([x, filter, dy]);
}
