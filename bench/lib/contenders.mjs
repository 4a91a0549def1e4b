// The implementations compared: Myelin's two kernel builds and TensorFlow.js's wasm and cpu backends.
import { loadKernels, supportedVariants } from '@myelin/kernels-wasm';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** Myelin kernel instances, one per build this process supports (both, with the relaxed-SIMD flag). */
export async function loadMyelin() {
  const variants = supportedVariants();
  return Promise.all(variants.map((variant) => loadKernels({ variant })));
}

/** Switches TF.js to `backend` ('wasm' or 'cpu') and returns the tf namespace. */
export async function useTf(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

export { tf };
