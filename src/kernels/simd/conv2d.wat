;; Stride-1 conv2d (dilation 1) of a zero-padded channels-last input, in hand-written WebAssembly SIMD;
;; the TypeScript side is ../wasm-simd-conv2d.ts. After editing this file run
;; `node scripts/build-simd-kernels.mjs` (see conv2d-filter-grad.wat).
;;
;; y[b, oh, ow, co] = bias[co] + Σ_{i, j, ci} xg[b, oh + i, ow + j, ci] · w[i, j, ci, co]
;;
;; xg: [B, Hp, Wp, CI] (the input with its padding written out), w: [FH, FW, CI, CO], y: [B, OH, OW, CO]
;; with OH = Hp − FH + 1, OW = Wp − FW + 1 ≥ 4 and CO a multiple of 8; bias: byte address of CO floats,
;; or 0 for none. Each step keeps a 4-position × 8-channel block of y in 8 f32x4 accumulators while it
;; runs over the taps and input channels: per input channel two loads of w and four splat loads of xg
;; (the four positions sit CI·4 bytes apart, an immediate offset; hence one function per CI).
;; Arguments are i32; addresses in bytes.
(module
  (import "env" "memory" (memory 1))

  ;; conv128: input channels 32 (a position is 128 bytes).
  (func (export "conv128") (param $xg i32) (param $w i32) (param $bias i32) (param $y i32)
    (param $ci i32) (param $co i32) (param $ow i32) (param $oh i32) (param $fh i32) (param $fw i32)
    (param $hp i32) (param $wp i32) (param $nrows i32)
    (local $coB i32) (local $r i32) (local $b i32) (local $row i32) (local $g i32) (local $c i32)
    (local $i i32) (local $j i32) (local $k i32) (local $p i32) (local $wpt i32) (local $yo i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128)
    (local.set $coB (i32.shl (local.get $co) (i32.const 2)))
    (local.set $r (i32.const 0))
    (loop $rows
      (local.set $b (i32.div_u (local.get $r) (local.get $oh)))
      (local.set $row (i32.sub (local.get $r) (i32.mul (local.get $b) (local.get $oh))))
      (local.set $g (i32.const 0))
      (loop $groups
        ;; The last group of a row ends at the row's end (it may redo columns of the previous group).
        (if (i32.gt_u (i32.add (local.get $g) (i32.const 4)) (local.get $ow))
          (then (local.set $g (i32.sub (local.get $ow) (i32.const 4)))))
        (local.set $c (i32.const 0))
        (loop $tiles
          (if (local.get $bias)
            (then
              (local.set $a00 (v128.load offset=0 (i32.add (local.get $bias) (local.get $c))))
              (local.set $a01 (v128.load offset=16 (i32.add (local.get $bias) (local.get $c)))))
            (else
              (local.set $a00 (v128.const i32x4 0 0 0 0))
              (local.set $a01 (v128.const i32x4 0 0 0 0))))
          (local.set $a10 (local.get $a00)) (local.set $a11 (local.get $a01))
          (local.set $a20 (local.get $a00)) (local.set $a21 (local.get $a01))
          (local.set $a30 (local.get $a00)) (local.set $a31 (local.get $a01))
          (local.set $wpt (i32.add (local.get $w) (local.get $c)))
          (local.set $i (i32.const 0))
          (loop $taprows
            (local.set $j (i32.const 0))
            (loop $tapcols
              (local.set $p (i32.add (local.get $xg)
                (i32.mul
                  (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp)) (i32.add (local.get $row) (local.get $i))) (local.get $wp))
                    (i32.add (local.get $g) (local.get $j)))
                  (i32.const 128))))
              (local.set $k (local.get $ci))
              (loop $channels
                (local.set $w0 (v128.load offset=0 (local.get $wpt)))
                (local.set $w1 (v128.load offset=16 (local.get $wpt)))
                (local.set $s (v128.load32_splat offset=0 (local.get $p)))
                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $s (v128.load32_splat offset=128 (local.get $p)))
                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $s (v128.load32_splat offset=256 (local.get $p)))
                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $s (v128.load32_splat offset=384 (local.get $p)))
                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (local.set $wpt (i32.add (local.get $wpt) (local.get $coB)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br_if $channels (local.get $k)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $tapcols (i32.lt_u (local.get $j) (local.get $fw))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $taprows (i32.lt_u (local.get $i) (local.get $fh))))
          (local.set $yo (i32.add (i32.add (local.get $y)
            (i32.mul (i32.add (i32.mul (local.get $r) (local.get $ow)) (local.get $g)) (local.get $coB))) (local.get $c)))
          (v128.store offset=0 (local.get $yo) (local.get $a00))
          (v128.store offset=16 (local.get $yo) (local.get $a01))
          (local.set $yo (i32.add (local.get $yo) (local.get $coB)))
          (v128.store offset=0 (local.get $yo) (local.get $a10))
          (v128.store offset=16 (local.get $yo) (local.get $a11))
          (local.set $yo (i32.add (local.get $yo) (local.get $coB)))
          (v128.store offset=0 (local.get $yo) (local.get $a20))
          (v128.store offset=16 (local.get $yo) (local.get $a21))
          (local.set $yo (i32.add (local.get $yo) (local.get $coB)))
          (v128.store offset=0 (local.get $yo) (local.get $a30))
          (v128.store offset=16 (local.get $yo) (local.get $a31))
          (local.set $c (i32.add (local.get $c) (i32.const 32)))
          (br_if $tiles (i32.lt_u (local.get $c) (local.get $coB))))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br_if $groups (i32.lt_u (local.get $g) (local.get $ow))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $r) (local.get $nrows)))))

  ;; conv256: input channels 64 (a position is 256 bytes).
  (func (export "conv256") (param $xg i32) (param $w i32) (param $bias i32) (param $y i32)
    (param $ci i32) (param $co i32) (param $ow i32) (param $oh i32) (param $fh i32) (param $fw i32)
    (param $hp i32) (param $wp i32) (param $nrows i32)
    (local $coB i32) (local $r i32) (local $b i32) (local $row i32) (local $g i32) (local $c i32)
    (local $i i32) (local $j i32) (local $k i32) (local $p i32) (local $wpt i32) (local $yo i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128)
    (local.set $coB (i32.shl (local.get $co) (i32.const 2)))
    (local.set $r (i32.const 0))
    (loop $rows
      (local.set $b (i32.div_u (local.get $r) (local.get $oh)))
      (local.set $row (i32.sub (local.get $r) (i32.mul (local.get $b) (local.get $oh))))
      (local.set $g (i32.const 0))
      (loop $groups
        ;; The last group of a row ends at the row's end (it may redo columns of the previous group).
        (if (i32.gt_u (i32.add (local.get $g) (i32.const 4)) (local.get $ow))
          (then (local.set $g (i32.sub (local.get $ow) (i32.const 4)))))
        (local.set $c (i32.const 0))
        (loop $tiles
          (if (local.get $bias)
            (then
              (local.set $a00 (v128.load offset=0 (i32.add (local.get $bias) (local.get $c))))
              (local.set $a01 (v128.load offset=16 (i32.add (local.get $bias) (local.get $c)))))
            (else
              (local.set $a00 (v128.const i32x4 0 0 0 0))
              (local.set $a01 (v128.const i32x4 0 0 0 0))))
          (local.set $a10 (local.get $a00)) (local.set $a11 (local.get $a01))
          (local.set $a20 (local.get $a00)) (local.set $a21 (local.get $a01))
          (local.set $a30 (local.get $a00)) (local.set $a31 (local.get $a01))
          (local.set $wpt (i32.add (local.get $w) (local.get $c)))
          (local.set $i (i32.const 0))
          (loop $taprows
            (local.set $j (i32.const 0))
            (loop $tapcols
              (local.set $p (i32.add (local.get $xg)
                (i32.mul
                  (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp)) (i32.add (local.get $row) (local.get $i))) (local.get $wp))
                    (i32.add (local.get $g) (local.get $j)))
                  (i32.const 256))))
              (local.set $k (local.get $ci))
              (loop $channels
                (local.set $w0 (v128.load offset=0 (local.get $wpt)))
                (local.set $w1 (v128.load offset=16 (local.get $wpt)))
                (local.set $s (v128.load32_splat offset=0 (local.get $p)))
                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $s (v128.load32_splat offset=256 (local.get $p)))
                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $s (v128.load32_splat offset=512 (local.get $p)))
                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $s (v128.load32_splat offset=768 (local.get $p)))
                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $w0))))
                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $w1))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (local.set $wpt (i32.add (local.get $wpt) (local.get $coB)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br_if $channels (local.get $k)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $tapcols (i32.lt_u (local.get $j) (local.get $fw))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $taprows (i32.lt_u (local.get $i) (local.get $fh))))
          (local.set $yo (i32.add (i32.add (local.get $y)
            (i32.mul (i32.add (i32.mul (local.get $r) (local.get $ow)) (local.get $g)) (local.get $coB))) (local.get $c)))
          (v128.store offset=0 (local.get $yo) (local.get $a00))
          (v128.store offset=16 (local.get $yo) (local.get $a01))
          (local.set $yo (i32.add (local.get $yo) (local.get $coB)))
          (v128.store offset=0 (local.get $yo) (local.get $a10))
          (v128.store offset=16 (local.get $yo) (local.get $a11))
          (local.set $yo (i32.add (local.get $yo) (local.get $coB)))
          (v128.store offset=0 (local.get $yo) (local.get $a20))
          (v128.store offset=16 (local.get $yo) (local.get $a21))
          (local.set $yo (i32.add (local.get $yo) (local.get $coB)))
          (v128.store offset=0 (local.get $yo) (local.get $a30))
          (v128.store offset=16 (local.get $yo) (local.get $a31))
          (local.set $c (i32.add (local.get $c) (i32.const 32)))
          (br_if $tiles (i32.lt_u (local.get $c) (local.get $coB))))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br_if $groups (i32.lt_u (local.get $g) (local.get $ow))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $r) (local.get $nrows))))))
