;; Gradient of swish, y = x·σ(x), in hand-written WebAssembly SIMD; the TypeScript side is
;; ../wasm-swish-grad.ts. After editing this file run `node scripts/build-simd-kernels.mjs`, which
;; assembles it (twice: the memory import plain and shared) into swish-grad-wasm.ts; a test checks that
;; the committed bytes equal a fresh assembly.
;;
;; tfjs-layers computes swish as mul(sigmoid(mul(x, 1)), x), and tfjs-core's gradients of those three
;; ops give, per element, with s = σ(x) the saved sigmoid output:
;;   dx = dy·s + (dy·x)·(s·(1 − s))
;; (Multiply's two gradients dy·s and dy·x, Sigmoid's dy·(y·(1 − y)), the multiply by 1 exact, the two
;; contributions to x added). This kernel performs exactly those float32 operations in that order, so
;; its result is bit-identical; there is no fused multiply-add.
(module
  (import "env" "memory" (memory 1))

  ;; swishGrad: dx[i] for i < n; dy, x, s, dx are byte addresses of float32 arrays of n elements.
  (func (export "swishGrad")
    (param $dy i32) (param $x i32) (param $s i32) (param $dx i32) (param $n i32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local $vdy v128) (local $vs v128)
    (local $fdy f32) (local $fs f32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $vdy (v128.load align=4 (i32.add (local.get $dy) (local.get $o))))
        (local.set $vs (v128.load align=4 (i32.add (local.get $s) (local.get $o))))
        (v128.store align=4 (i32.add (local.get $dx) (local.get $o))
          (f32x4.add
            (f32x4.mul (local.get $vdy) (local.get $vs))
            (f32x4.mul
              (f32x4.mul (local.get $vdy) (v128.load align=4 (i32.add (local.get $x) (local.get $o))))
              (f32x4.mul (local.get $vs) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $vs))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $fdy (f32.load align=4 (i32.add (local.get $dy) (local.get $o))))
        (local.set $fs (f32.load align=4 (i32.add (local.get $s) (local.get $o))))
        (f32.store align=4 (i32.add (local.get $dx) (local.get $o))
          (f32.add
            (f32.mul (local.get $fdy) (local.get $fs))
            (f32.mul
              (f32.mul (local.get $fdy) (f32.load align=4 (i32.add (local.get $x) (local.get $o))))
              (f32.mul (local.get $fs) (f32.sub (f32.const 1) (local.get $fs))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
)
