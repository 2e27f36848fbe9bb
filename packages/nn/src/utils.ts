// `torch.nn.utils`, exported as the `utils` namespace.
export { clipGradNorm_, clipGradValue_ } from './utils/clip-grad.js';
