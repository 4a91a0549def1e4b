// Gradient clipping lives in @myelin/tensor (it acts on autograd's gradients, and @myelin/nn's
// fit uses it too); it is part of this package's API as well, as in the contract.
export { clipGradNorm, clipGradValue } from '@myelin/tensor';
