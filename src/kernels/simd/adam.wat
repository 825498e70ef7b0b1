;; The fused Adam-family update of one variable in hand-written WebAssembly SIMD; the TypeScript side is
;; ../wasm-simd-adam.ts, the reference JavaScript loops (and the rules' formulas) ../wasm-fused-adam.ts.
;; After editing this file run `node scripts/build-simd-kernels.mjs`, which assembles it into
;; adam-wasm.ts; a test checks that the committed bytes equal a fresh assembly.
;;
;; Every step below is one float32 add, subtract, multiply, divide or square root (f32x4 on four elements
;; at once, f32 on the last n mod 4), in the order of the JavaScript loops. The loops round each float64
;; operation of float32 operands to float32 (Math.fround), which is the correctly rounded float32 result,
;; i.e. what the f32 instruction gives; so the outputs are bit for bit those of the loops. No fused
;; multiply-add.
;;
;; Addresses are byte addresses of float32 arrays of n elements in the imported memory; the scalars are
;; float32 values; $decays is 0 when the decay factor is 1 (θ is then added as it is, not multiplied).
(module
  (import "env" "memory" (memory 1))

  ;; Adam (tfjs's AdamOptimizer, with decoupled decay d):
  ;;   m' = m·β1 + g·(1−β1);  s' = s·β2 + (g·g)·(1−β2)
  ;;   θ' = ((m'/c1) / (√(s'/c2) + ε))·(−η) + θ·d   (+ θ when $decays is 0)
  (func (export "adam")
    (param $value i32) (param $grad i32) (param $m i32) (param $s i32)
    (param $outValue i32) (param $outM i32) (param $outS i32) (param $n i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $c1 f32) (param $c2 f32) (param $epsilon f32) (param $negLearningRate f32)
    (param $decay f32) (param $decays i32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local $vb1 v128) (local $vomb1 v128) (local $vb2 v128) (local $vomb2 v128)
    (local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $vnlr v128) (local $vd v128)
    (local $g v128) (local $m1 v128) (local $s1 v128) (local $step v128) (local $theta v128)
    (local $fg f32) (local $fm1 f32) (local $fs1 f32) (local $fstep f32) (local $ftheta f32)
    (local.set $vb1 (f32x4.splat (local.get $beta1)))
    (local.set $vomb1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $vomb2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $epsilon)))
    (local.set $vnlr (f32x4.splat (local.get $negLearningRate)))
    (local.set $vd (f32x4.splat (local.get $decay)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $g (v128.load align=4 (i32.add (local.get $grad) (local.get $o))))
        (local.set $m1
          (f32x4.add
            (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $o))) (local.get $vb1))
            (f32x4.mul (local.get $g) (local.get $vomb1))))
        (local.set $s1
          (f32x4.add
            (f32x4.mul (v128.load align=4 (i32.add (local.get $s) (local.get $o))) (local.get $vb2))
            (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $vomb2))))
        (v128.store align=4 (i32.add (local.get $outM) (local.get $o)) (local.get $m1))
        (v128.store align=4 (i32.add (local.get $outS) (local.get $o)) (local.get $s1))
        (local.set $step
          (f32x4.mul
            (f32x4.div
              (f32x4.div (local.get $m1) (local.get $vc1))
              (f32x4.add (f32x4.sqrt (f32x4.div (local.get $s1) (local.get $vc2))) (local.get $veps)))
            (local.get $vnlr)))
        (local.set $theta (v128.load align=4 (i32.add (local.get $value) (local.get $o))))
        (if (local.get $decays)
          (then (local.set $theta (f32x4.mul (local.get $theta) (local.get $vd)))))
        (v128.store align=4 (i32.add (local.get $outValue) (local.get $o)) (f32x4.add (local.get $step) (local.get $theta)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $fg (f32.load align=4 (i32.add (local.get $grad) (local.get $o))))
        (local.set $fm1
          (f32.add
            (f32.mul (f32.load align=4 (i32.add (local.get $m) (local.get $o))) (local.get $beta1))
            (f32.mul (local.get $fg) (local.get $oneMinusBeta1))))
        (local.set $fs1
          (f32.add
            (f32.mul (f32.load align=4 (i32.add (local.get $s) (local.get $o))) (local.get $beta2))
            (f32.mul (f32.mul (local.get $fg) (local.get $fg)) (local.get $oneMinusBeta2))))
        (f32.store align=4 (i32.add (local.get $outM) (local.get $o)) (local.get $fm1))
        (f32.store align=4 (i32.add (local.get $outS) (local.get $o)) (local.get $fs1))
        (local.set $fstep
          (f32.mul
            (f32.div
              (f32.div (local.get $fm1) (local.get $c1))
              (f32.add (f32.sqrt (f32.div (local.get $fs1) (local.get $c2))) (local.get $epsilon)))
            (local.get $negLearningRate)))
        (local.set $ftheta (f32.load align=4 (i32.add (local.get $value) (local.get $o))))
        (if (local.get $decays)
          (then (local.set $ftheta (f32.mul (local.get $ftheta) (local.get $decay)))))
        (f32.store align=4 (i32.add (local.get $outValue) (local.get $o)) (f32.add (local.get $fstep) (local.get $ftheta)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; AdaBelief (c1 here is η/(1−β1^t)):
  ;;   m' = m·β1 + g·(1−β1);  r = g − m';  s' = (s·β2 + (r·r)·(1−β2)) + ε
  ;;   θ' = θ·d − (m' / (√(s'/c2) + ε))·c1   (θ as it is when $decays is 0)
  (func (export "adaBelief")
    (param $value i32) (param $grad i32) (param $m i32) (param $s i32)
    (param $outValue i32) (param $outM i32) (param $outS i32) (param $n i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $c1 f32) (param $c2 f32) (param $epsilon f32)
    (param $decay f32) (param $decays i32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local $vb1 v128) (local $vomb1 v128) (local $vb2 v128) (local $vomb2 v128)
    (local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $vd v128)
    (local $g v128) (local $m1 v128) (local $r v128) (local $s1 v128) (local $theta v128)
    (local $fg f32) (local $fm1 f32) (local $fr f32) (local $fs1 f32) (local $ftheta f32)
    (local.set $vb1 (f32x4.splat (local.get $beta1)))
    (local.set $vomb1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $vomb2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $epsilon)))
    (local.set $vd (f32x4.splat (local.get $decay)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $g (v128.load align=4 (i32.add (local.get $grad) (local.get $o))))
        (local.set $m1
          (f32x4.add
            (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $o))) (local.get $vb1))
            (f32x4.mul (local.get $g) (local.get $vomb1))))
        (local.set $r (f32x4.sub (local.get $g) (local.get $m1)))
        (local.set $s1
          (f32x4.add
            (f32x4.add
              (f32x4.mul (v128.load align=4 (i32.add (local.get $s) (local.get $o))) (local.get $vb2))
              (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) (local.get $vomb2)))
            (local.get $veps)))
        (v128.store align=4 (i32.add (local.get $outM) (local.get $o)) (local.get $m1))
        (v128.store align=4 (i32.add (local.get $outS) (local.get $o)) (local.get $s1))
        (local.set $theta (v128.load align=4 (i32.add (local.get $value) (local.get $o))))
        (if (local.get $decays)
          (then (local.set $theta (f32x4.mul (local.get $theta) (local.get $vd)))))
        (v128.store align=4 (i32.add (local.get $outValue) (local.get $o))
          (f32x4.sub
            (local.get $theta)
            (f32x4.mul
              (f32x4.div
                (local.get $m1)
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $s1) (local.get $vc2))) (local.get $veps)))
              (local.get $vc1))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $fg (f32.load align=4 (i32.add (local.get $grad) (local.get $o))))
        (local.set $fm1
          (f32.add
            (f32.mul (f32.load align=4 (i32.add (local.get $m) (local.get $o))) (local.get $beta1))
            (f32.mul (local.get $fg) (local.get $oneMinusBeta1))))
        (local.set $fr (f32.sub (local.get $fg) (local.get $fm1)))
        (local.set $fs1
          (f32.add
            (f32.add
              (f32.mul (f32.load align=4 (i32.add (local.get $s) (local.get $o))) (local.get $beta2))
              (f32.mul (f32.mul (local.get $fr) (local.get $fr)) (local.get $oneMinusBeta2)))
            (local.get $epsilon)))
        (f32.store align=4 (i32.add (local.get $outM) (local.get $o)) (local.get $fm1))
        (f32.store align=4 (i32.add (local.get $outS) (local.get $o)) (local.get $fs1))
        (local.set $ftheta (f32.load align=4 (i32.add (local.get $value) (local.get $o))))
        (if (local.get $decays)
          (then (local.set $ftheta (f32.mul (local.get $ftheta) (local.get $decay)))))
        (f32.store align=4 (i32.add (local.get $outValue) (local.get $o))
          (f32.sub
            (local.get $ftheta)
            (f32.mul
              (f32.div
                (local.get $fm1)
                (f32.add (f32.sqrt (f32.div (local.get $fs1) (local.get $c2))) (local.get $epsilon)))
              (local.get $c1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
)
