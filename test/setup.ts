// Every test file starts on the default backend (wasm here, tensorflow where tfjs-node is installed),
// silently; specs that need another backend switch with describeEachBackend or initBackend.
import '@tensorflow/tfjs-layers';
import { initBackend } from '../src/backend.js';

await initBackend(undefined, { log: null });
