// Anomaly detection (torch.autograd.detect_anomaly / set_detect_anomaly): when on, the engine
// checks every gradient a backward rule returns and names the op that produced a NaN.
import { ArgumentError } from '../errors.js';

let enabled = false;

/** Whether anomaly detection is on. */
export function anomalyEnabled(): boolean {
  return enabled;
}

/** Turns anomaly detection on or off (`torch.autograd.set_detect_anomaly`). */
export function setDetectAnomaly(flag: boolean): void {
  enabled = Boolean(flag);
}

/** Runs `fn` with anomaly detection on and restores the previous setting (`torch.autograd.detect_anomaly`). */
export function detectAnomaly<R>(fn: () => R): R {
  if (typeof fn !== 'function') throw new ArgumentError(`detectAnomaly(fn): expected a function to run, got ${typeof fn}`);
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
