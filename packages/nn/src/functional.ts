// torch.nn.functional, exported from the package as the `functional` namespace
// (`import { functional as F } from '@torchlet/nn'`).
export { linear } from './functional/linear.js';
export { relu, leakyRelu, gelu, sigmoid, tanh, softmax, logSoftmax, type GeluApproximate } from './functional/activation.js';
export { dropout } from './functional/dropout.js';
export { layerNorm } from './functional/normalization.js';
export { embedding, type EmbeddingOptions } from './functional/embedding.js';
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  type ReductionOptions, type ClassificationOptions, type CrossEntropyOptions, type BinaryCrossEntropyOptions,
} from './functional/loss.js';
