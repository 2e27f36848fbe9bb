// The one error class nn adds to core's: a failed loadStateDict carries every problem found
// (missing keys, unexpected keys, size mismatches) as data, not only as text.
import { ArgumentError } from '@torchlet/core';

/** A size mismatch between a state-dict entry and the module's tensor of the same key. */
export interface SizeMismatch {
  /** The state-dict key, e.g. `0.weight`. */
  readonly key: string;
  /** Shape of the module's parameter or buffer. */
  readonly expected: readonly number[];
  /** Shape found in the state dict. */
  readonly got: readonly number[];
}

/**
 * `loadStateDict` refused a state dict (PyTorch raises a RuntimeError with the same text).
 * Nothing was copied: every parameter and buffer is unchanged.
 */
export class StateDictError extends ArgumentError {
  /** Keys the module has and the state dict lacks (reported as errors only when strict). */
  readonly missingKeys: readonly string[];
  /** Keys the state dict has and the module lacks (reported as errors only when strict). */
  readonly unexpectedKeys: readonly string[];
  /** Entries whose shape differs from the module's tensor (always errors). */
  readonly sizeMismatches: readonly SizeMismatch[];

  constructor(
    moduleName: string,
    messages: readonly string[],
    details: { missingKeys: readonly string[]; unexpectedKeys: readonly string[]; sizeMismatches: readonly SizeMismatch[] },
  ) {
    super(`Error(s) in loading state_dict for ${moduleName}:\n\t${messages.join('\n\t')}`);
    this.missingKeys = details.missingKeys;
    this.unexpectedKeys = details.unexpectedKeys;
    this.sizeMismatches = details.sizeMismatches;
  }
}
// Pinned as a string: minifiers rename classes (see core's errors.ts).
Object.defineProperty(StateDictError.prototype, 'name', { value: 'StateDictError', writable: true, configurable: true, enumerable: false });
