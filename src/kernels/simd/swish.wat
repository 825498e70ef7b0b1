;; Sigmoid and swish forward in hand-written WebAssembly SIMD; the TypeScript side is
;; ../wasm-simd-swish.ts. After editing this file run `node scripts/build-simd-kernels.mjs` (see
;; swish-grad.wat).
;;
;; The wasm backend's `Sigmoid` kernel (tfjs-backend-wasm 4.22) runs XNNPACK's f32 sigmoid operator, whose
;; WebAssembly SIMD microkernel (the "rr2_p5_div" algorithm; its constants read off the backend's binary)
;; computes per element, in float32 with no fused multiply-add:
;;   z = |x|
;;   n = z·(−log2 e) + M            M = 1.5·2^23 + 127 (bits 0x4B40007F): round(−z·log2 e) + 127 in n's low bits
;;   e2 = (bits of n) << 23          2^round(−z·log2 e) as a float (the exponent field built directly)
;;   n = n − M
;;   t = (z + n·ln2_hi) + n·ln2_lo   the reduced argument, −ln2/2 ≤ −t ≤ ln2/2 (ln 2 split in two parts)
;;   p = (((c5·t + c4)·t + c3)·t + c2)·t + c1
;;   e = (t·e2)·p + e2               ≈ exp(−z)
;;   f = e / (e + 1)                 σ(−z)
;;   f = 0 where z > 87.33654 (bits 0x42AEAC4F: e would be subnormal)
;;   σ(x) = f where x's sign bit is set, 1 − f otherwise
;; This file performs exactly those operations (each product and sum rounded the same way, the operands of
;; the commutative ones possibly swapped, which does not change a float32 result), so its values are
;; bit-identical to the backend's Sigmoid (test/kernels/wasm-simd-swish.test.ts checks every float32 of
;; a wide range, and the special values).
;;
;; swish: s = σ(z) and h = s·z in one pass over z (what tfjs-layers' swish, mul(sigmoid(z), z), computes
;; with the backend's Sigmoid and Multiply kernels); with h = 0 only s is written (the Sigmoid kernel).
;; Addresses in bytes, n in elements; the last n mod 4 elements one at a time through the same vector code.
(module
  (import "env" "memory" (memory 1))

  ;; Always 0. The loops' constants are XORed with its splat once per call, which the compiler cannot fold,
  ;; so each stays in a register instead of being rebuilt from the literal at every use (measured faster).
  (global $opaque (mut i32) (i32.const 0))

  ;; σ for four lanes.
  (func $sigmoid4 (param $x v128) (result v128)
    (local $z v128) (local $n v128) (local $e2 v128) (local $t v128) (local $p v128) (local $f v128)
    (local.set $z (f32x4.abs (local.get $x)))
    (local.set $n
      (f32x4.add
        (f32x4.mul (local.get $z) (v128.const i32x4 0xbfb8aa3b 0xbfb8aa3b 0xbfb8aa3b 0xbfb8aa3b))
        (v128.const i32x4 0x4b40007f 0x4b40007f 0x4b40007f 0x4b40007f)))
    (local.set $e2 (i32x4.shl (local.get $n) (i32.const 23)))
    (local.set $n (f32x4.sub (local.get $n) (v128.const i32x4 0x4b40007f 0x4b40007f 0x4b40007f 0x4b40007f)))
    (local.set $t
      (f32x4.add
        (f32x4.add (local.get $z) (f32x4.mul (local.get $n) (v128.const i32x4 0x3f317200 0x3f317200 0x3f317200 0x3f317200)))
        (f32x4.mul (local.get $n) (v128.const i32x4 0x35bfbe8e 0x35bfbe8e 0x35bfbe8e 0x35bfbe8e))))
    (local.set $p
      (f32x4.add
        (f32x4.mul (local.get $t) (v128.const i32x4 0xbc07cfce 0xbc07cfce 0xbc07cfce 0xbc07cfce))
        (v128.const i32x4 0x3d2b9d0d 0x3d2b9d0d 0x3d2b9d0d 0x3d2b9d0d)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const i32x4 0xbe2aad40 0xbe2aad40 0xbe2aad40 0xbe2aad40)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const i32x4 0x3efffee3 0x3efffee3 0x3efffee3 0x3efffee3)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const i32x4 0xbf7ffffb 0xbf7ffffb 0xbf7ffffb 0xbf7ffffb)))
    ;; e = (t·e2)·p + e2, kept in $p
    (local.set $p (f32x4.add (f32x4.mul (f32x4.mul (local.get $t) (local.get $e2)) (local.get $p)) (local.get $e2)))
    (local.set $f (f32x4.div (local.get $p) (f32x4.add (local.get $p) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000))))
    (local.set $f
      (v128.andnot (local.get $f) (f32x4.gt (local.get $z) (v128.const i32x4 0x42aeac4f 0x42aeac4f 0x42aeac4f 0x42aeac4f))))
    (v128.bitselect
      (local.get $f)
      (f32x4.sub (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000) (local.get $f))
      (i32x4.shr_s (local.get $x) (i32.const 31))))

  ;; s[i] = σ(z[i]) and, when h ≠ 0, h[i] = s[i]·z[i], for i < n. The vector loops are $sigmoid4 written out
  ;; (the operations in its order) with its constants held in locals: V8 does not inline the call and
  ;; re-materialises a v128.const at each use.
  (func (export "swish") (param $z i32) (param $s i32) (param $h i32) (param $n i32)
    (local $end i32) (local $end4 i32) (local $vx v128) (local $vs v128) (local $zero v128)
    (local $va v128) (local $vn v128) (local $ve v128) (local $vt v128) (local $vp v128)
    (local $mlog2e v128) (local $magic v128) (local $ln2hi v128) (local $ln2lo v128)
    (local $c5 v128) (local $c4 v128) (local $c3 v128) (local $c2 v128) (local $c1 v128) (local $one v128) (local $cutoff v128)
    (local.set $zero (i32x4.splat (global.get $opaque)))
    (local.set $mlog2e (v128.xor (v128.const i32x4 0xbfb8aa3b 0xbfb8aa3b 0xbfb8aa3b 0xbfb8aa3b) (local.get $zero)))
    (local.set $magic (v128.xor (v128.const i32x4 0x4b40007f 0x4b40007f 0x4b40007f 0x4b40007f) (local.get $zero)))
    (local.set $ln2hi (v128.xor (v128.const i32x4 0x3f317200 0x3f317200 0x3f317200 0x3f317200) (local.get $zero)))
    (local.set $ln2lo (v128.xor (v128.const i32x4 0x35bfbe8e 0x35bfbe8e 0x35bfbe8e 0x35bfbe8e) (local.get $zero)))
    (local.set $c5 (v128.xor (v128.const i32x4 0xbc07cfce 0xbc07cfce 0xbc07cfce 0xbc07cfce) (local.get $zero)))
    (local.set $c4 (v128.xor (v128.const i32x4 0x3d2b9d0d 0x3d2b9d0d 0x3d2b9d0d 0x3d2b9d0d) (local.get $zero)))
    (local.set $c3 (v128.xor (v128.const i32x4 0xbe2aad40 0xbe2aad40 0xbe2aad40 0xbe2aad40) (local.get $zero)))
    (local.set $c2 (v128.xor (v128.const i32x4 0x3efffee3 0x3efffee3 0x3efffee3 0x3efffee3) (local.get $zero)))
    (local.set $c1 (v128.xor (v128.const i32x4 0xbf7ffffb 0xbf7ffffb 0xbf7ffffb 0xbf7ffffb) (local.get $zero)))
    (local.set $one (v128.xor (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000) (local.get $zero)))
    (local.set $cutoff (v128.xor (v128.const i32x4 0x42aeac4f 0x42aeac4f 0x42aeac4f 0x42aeac4f) (local.get $zero)))
    (local.set $end (i32.add (local.get $z) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $z) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    ;; 4 vectors (16 elements) per iteration, then one at a time; a copy of the loops for σ alone (h = 0)
    (if (local.get $h)
      (then
        (block $vecDoneH
          (loop $vecH
            (br_if $vecDoneH (i32.gt_u (i32.add (local.get $z) (i32.const 64)) (local.get $end4)))
            (local.set $vx (v128.load offset=0 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=0 align=4 (local.get $s) (local.get $vp))
            (v128.store offset=0 align=4 (local.get $h) (f32x4.mul (local.get $vp) (local.get $vx)))
            (local.set $vx (v128.load offset=16 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=16 align=4 (local.get $s) (local.get $vp))
            (v128.store offset=16 align=4 (local.get $h) (f32x4.mul (local.get $vp) (local.get $vx)))
            (local.set $vx (v128.load offset=32 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=32 align=4 (local.get $s) (local.get $vp))
            (v128.store offset=32 align=4 (local.get $h) (f32x4.mul (local.get $vp) (local.get $vx)))
            (local.set $vx (v128.load offset=48 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=48 align=4 (local.get $s) (local.get $vp))
            (v128.store offset=48 align=4 (local.get $h) (f32x4.mul (local.get $vp) (local.get $vx)))
            (local.set $h (i32.add (local.get $h) (i32.const 64)))
            (local.set $z (i32.add (local.get $z) (i32.const 64)))
            (local.set $s (i32.add (local.get $s) (i32.const 64)))
            (br $vecH)))
        (block $oneDoneH
          (loop $oneH
            (br_if $oneDoneH (i32.ge_u (local.get $z) (local.get $end4)))
            (local.set $vx (v128.load offset=0 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=0 align=4 (local.get $s) (local.get $vp))
            (v128.store offset=0 align=4 (local.get $h) (f32x4.mul (local.get $vp) (local.get $vx)))
            (local.set $h (i32.add (local.get $h) (i32.const 16)))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (br $oneH)))
      )
      (else
        (block $vecDoneS
          (loop $vecS
            (br_if $vecDoneS (i32.gt_u (i32.add (local.get $z) (i32.const 64)) (local.get $end4)))
            (local.set $vx (v128.load offset=0 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=0 align=4 (local.get $s) (local.get $vp))
            (local.set $vx (v128.load offset=16 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=16 align=4 (local.get $s) (local.get $vp))
            (local.set $vx (v128.load offset=32 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=32 align=4 (local.get $s) (local.get $vp))
            (local.set $vx (v128.load offset=48 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=48 align=4 (local.get $s) (local.get $vp))
            (local.set $z (i32.add (local.get $z) (i32.const 64)))
            (local.set $s (i32.add (local.get $s) (i32.const 64)))
            (br $vecS)))
        (block $oneDoneS
          (loop $oneS
            (br_if $oneDoneS (i32.ge_u (local.get $z) (local.get $end4)))
            (local.set $vx (v128.load offset=0 align=4 (local.get $z)))
            (local.set $va (f32x4.abs (local.get $vx)))
            (local.set $vn (f32x4.add (f32x4.mul (local.get $va) (local.get $mlog2e)) (local.get $magic)))
            (local.set $ve (i32x4.shl (local.get $vn) (i32.const 23)))
            (local.set $vn (f32x4.sub (local.get $vn) (local.get $magic)))
            (local.set $vt
              (f32x4.add
                (f32x4.add (local.get $va) (f32x4.mul (local.get $vn) (local.get $ln2hi)))
                (f32x4.mul (local.get $vn) (local.get $ln2lo))))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vt) (local.get $c5)) (local.get $c4)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c3)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c2)))
            (local.set $vp (f32x4.add (f32x4.mul (local.get $vp) (local.get $vt)) (local.get $c1)))
            (local.set $vp (f32x4.add (f32x4.mul (f32x4.mul (local.get $vt) (local.get $ve)) (local.get $vp)) (local.get $ve)))
            (local.set $vp (f32x4.div (local.get $vp) (f32x4.add (local.get $vp) (local.get $one))))
            (local.set $vp (v128.andnot (local.get $vp) (f32x4.gt (local.get $va) (local.get $cutoff))))
            (local.set $vp
              (v128.bitselect
                (local.get $vp)
                (f32x4.sub (local.get $one) (local.get $vp))
                (i32x4.shr_s (local.get $vx) (i32.const 31))))
            (v128.store offset=0 align=4 (local.get $s) (local.get $vp))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (br $oneS)))
      ))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $vx (v128.load32_splat align=4 (local.get $z)))
        (local.set $vs (call $sigmoid4 (local.get $vx)))
        (f32.store align=4 (local.get $s) (f32x4.extract_lane 0 (local.get $vs)))
        (if (local.get $h)
          (then
            (f32.store align=4 (local.get $h) (f32x4.extract_lane 0 (f32x4.mul (local.get $vs) (local.get $vx))))
            (local.set $h (i32.add (local.get $h) (i32.const 4)))))
        (local.set $z (i32.add (local.get $z) (i32.const 4)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (br $tail))))
)
