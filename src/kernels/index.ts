/**
 * Kernel fixes for the wasm backend, registered by `initBackend` when wasm is chosen.
 */

/** Registers this library's wasm kernel overrides; returns the kernel names it registered. */
export function registerWasmKernelFixes(): string[] {
  return [];
}
