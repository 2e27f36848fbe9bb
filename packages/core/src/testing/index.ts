// @torchlet/core/testing: tools for testing code built on torchlet.
/**
 * Tools for testing code built on torchlet: `gradcheck` and `gradgradcheck` compare autograd's
 * gradients with float64 finite differences.
 * @module @torchlet/core/testing
 */
export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions } from './gradcheck.js';
