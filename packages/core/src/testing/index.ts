// @torchlet/core/testing: tools for testing code built on torchlet.
export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions } from './gradcheck.js';
