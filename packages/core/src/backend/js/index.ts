// The portable backend: plain JavaScript loops, available everywhere.
import type { Backend } from '../backend.js';
import { assign, binary, binaryScalar, copy, unary, where } from './elementwise.js';
import { axpy, linear } from './fused.js';
import { matmul } from './matmul.js';
import { argReduce, reduce, softmax } from './reduce.js';

/** Kernels written in plain JavaScript. */
export const jsBackend: Backend = { name: 'js', unary, assign, binary, binaryScalar, copy, reduce, argReduce, softmax, matmul, where, linear, axpy };
