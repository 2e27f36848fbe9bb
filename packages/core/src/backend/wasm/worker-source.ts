// The source of a pool worker, as a string so that it ships inside the bundle (no separate file
// for bundlers to find): Node runs it with `new Worker(src, { eval: true })`, browsers from a Blob.
// A worker instantiates the kernel module on the shared memory and then loops: spin briefly on
// the job counter, else sleep in Atomics.wait; take a job only by moving its slot from OPEN to
// TAKEN (the caller may have cancelled it), run it, mark it DONE and wake the caller.

/** Layout of the control block (Int32 indices). */
export const CTRL = { SEQ: 0, FN: 1, ARG: 2, STOP: 3, SLOTS: 4 } as const;
/** Slot states. */
export const SLOT = { IDLE: 0, OPEN: 1, TAKEN: 2, DONE: 3 } as const;

export const WORKER_SOURCE = `
'use strict';
function start(d) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory, log: Math.log } });
  const fns = d.functions.map((name) => inst.exports[name]);
  const ctrl = new Int32Array(d.memory.buffer, d.ctrl, ${CTRL.SLOTS} + d.slots);
  const slot = ${CTRL.SLOTS} + d.index;
  let seen = Atomics.load(ctrl, ${CTRL.SEQ});
  for (;;) {
    let seq = Atomics.load(ctrl, ${CTRL.SEQ});
    if (seq === seen) {
      const until = Date.now() + d.spinMs;
      for (let i = 0; seq === seen; i++) {
        seq = Atomics.load(ctrl, ${CTRL.SEQ});
        if ((i & 1023) === 1023 && Date.now() > until) break;
      }
      if (seq === seen) {
        Atomics.wait(ctrl, ${CTRL.SEQ}, seen);
        continue;
      }
    }
    seen = seq;
    if (Atomics.load(ctrl, ${CTRL.STOP}) !== 0) return;
    if (Atomics.compareExchange(ctrl, slot, ${SLOT.OPEN}, ${SLOT.TAKEN}) !== ${SLOT.OPEN}) continue;
    try {
      fns[Atomics.load(ctrl, ${CTRL.FN})](Atomics.load(ctrl, ${CTRL.ARG}));
    } finally {
      Atomics.store(ctrl, slot, ${SLOT.DONE});
      Atomics.notify(ctrl, slot);
    }
  }
}
if (typeof require === 'function' && typeof process === 'object') {
  start(require('node:worker_threads').workerData);
} else {
  self.onmessage = (e) => start(e.data);
}
`;
