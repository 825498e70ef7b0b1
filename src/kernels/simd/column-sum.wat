;; Column sums of a row-major float32 matrix, accumulated in float64, in hand-written WebAssembly SIMD;
;; the TypeScript side is ../wasm-simd-column-sum.ts, the reference JavaScript loop ../wasm-sum.ts
;; (wasmSumLeadingAxes). After editing this file run `node scripts/build-simd-kernels.mjs`, which
;; assembles it into column-sum-wasm.ts; a test checks that the committed bytes equal a fresh assembly.
;;
;; For every column c of a [rows, cols] matrix the reference computes, in float64,
;;   acc = 0;  acc += ((x[r][c] + x[r+1][c]) + x[r+2][c]) + x[r+3][c]  for r = 0, 4, 8, … < rows − rows mod 4;
;;   acc += x[r][c]  for each remaining row, in order;  out[c] = float32(acc)  (round to nearest even).
;; This kernel performes those float64 additions in that order for each column (two columns per f64x2,
;; float32 widened exactly by f64x2.promote_low_f32x4, narrowed by f32x4.demote_f64x2_zero), so its
;; sums are bit for bit the reference's. Only the traversal differs: a block of 16 columns keeps its
;; eight accumulators in registers while it walks down the rows (no accumulator array in memory); then
;; column pairs, then a last odd column with scalar f64.
(module
  (import "env" "memory" (memory 1))

  ;; columnSums: out[c] for c < cols; src and out are byte addresses of float32 arrays of rows·cols and
  ;; cols elements.
  (func (export "columnSums") (param $src i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $stride i32) (local $rows4 i32) (local $r i32) (local $cb i32) (local $cols16 i32) (local $cols2 i32)
    (local $p i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $acc f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols16 (i32.and (local.get $cols) (i32.const -16)))
    (local.set $cols2 (i32.and (local.get $cols) (i32.const -2)))
    (local.set $cb (i32.const 0))
    ;; Blocks of 16 columns ($cb counts columns).
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $cb) (local.get $cols16)))
        (local.set $p (i32.add (local.get $src) (i32.shl (local.get $cb) (i32.const 2))))

        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $a4 (v128.const i64x2 0 0))
        (local.set $a5 (v128.const i64x2 0 0))
        (local.set $a6 (v128.const i64x2 0 0))
        (local.set $a7 (v128.const i64x2 0 0))
        (local.set $r (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $r) (local.get $rows4)))
            (local.set $p1 (i32.add (local.get $p) (local.get $stride)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p3))))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $p3))))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=4 (local.get $p3))))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=4 (local.get $p3))))))
            (local.set $a4 (f64x2.add (local.get $a4) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 align=4 (local.get $p3))))))
            (local.set $a5 (f64x2.add (local.get $a5) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=40 align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=40 align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=40 align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=40 align=4 (local.get $p3))))))
            (local.set $a6 (f64x2.add (local.get $a6) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=48 align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=48 align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=48 align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=48 align=4 (local.get $p3))))))
            (local.set $a7 (f64x2.add (local.get $a7) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=56 align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=56 align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=56 align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero offset=56 align=4 (local.get $p3))))))
            (local.set $p (i32.add (local.get $p3) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $four)))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $p)))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=4 (local.get $p)))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=4 (local.get $p)))))
            (local.set $a4 (f64x2.add (local.get $a4) (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 align=4 (local.get $p)))))
            (local.set $a5 (f64x2.add (local.get $a5) (f64x2.promote_low_f32x4 (v128.load64_zero offset=40 align=4 (local.get $p)))))
            (local.set $a6 (f64x2.add (local.get $a6) (f64x2.promote_low_f32x4 (v128.load64_zero offset=48 align=4 (local.get $p)))))
            (local.set $a7 (f64x2.add (local.get $a7) (f64x2.promote_low_f32x4 (v128.load64_zero offset=56 align=4 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rest)))
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $cb) (i32.const 2))))
        (v128.store64_lane align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a0)))
        (v128.store64_lane offset=8 align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a1)))
        (v128.store64_lane offset=16 align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a2)))
        (v128.store64_lane offset=24 align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a3)))
        (v128.store64_lane offset=32 align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a4)))
        (v128.store64_lane offset=40 align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a5)))
        (v128.store64_lane offset=48 align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a6)))
        (v128.store64_lane offset=56 align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $a7)))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $blocks)))
    ;; Pairs of columns.
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $cb) (local.get $cols2)))
        (local.set $p (i32.add (local.get $src) (i32.shl (local.get $cb) (i32.const 2))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $r (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $r) (local.get $rows4)))
            (local.set $p1 (i32.add (local.get $p) (local.get $stride)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.add (f64x2.add (f64x2.add
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p1))))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p2))))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p3))))))
            (local.set $p (i32.add (local.get $p3) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $four)))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rest)))
        (v128.store64_lane align=4 0 (i32.add (local.get $out) (i32.shl (local.get $cb) (i32.const 2)))
          (f32x4.demote_f64x2_zero (local.get $a0)))
        (local.set $cb (i32.add (local.get $cb) (i32.const 2)))
        (br $pairs)))
    ;; The last column when cols is odd.
    (if (i32.lt_u (local.get $cb) (local.get $cols))
      (then
        (local.set $p (i32.add (local.get $src) (i32.shl (local.get $cb) (i32.const 2))))
        (local.set $acc (f64.const 0))
        (local.set $r (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $r) (local.get $rows4)))
            (local.set $p1 (i32.add (local.get $p) (local.get $stride)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
            (local.set $acc (f64.add (local.get $acc) (f64.add (f64.add (f64.add
              (f64.promote_f32 (f32.load align=4 (local.get $p)))
              (f64.promote_f32 (f32.load align=4 (local.get $p1))))
              (f64.promote_f32 (f32.load align=4 (local.get $p2))))
              (f64.promote_f32 (f32.load align=4 (local.get $p3))))))
            (local.set $p (i32.add (local.get $p3) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $four)))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $acc (f64.add (local.get $acc) (f64.promote_f32 (f32.load align=4 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rest)))
        (f32.store align=4 (i32.add (local.get $out) (i32.shl (local.get $cb) (i32.const 2)))
          (f32.demote_f64 (local.get $acc))))))
)
