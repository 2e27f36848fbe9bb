// Learning-rate schedulers, PyTorch 1.13's torch.optim.lr_scheduler: each `step()` computes the
// next learning rate of every group from the group's current one (the "chainable" form, so
// several schedulers can drive one optimizer), or from the closed form when an epoch is passed.
// Formulas are PyTorch's, written in the same operation order, with powers rounded as Python's,
// so the sequences agree bit for bit (CosineAnnealingLR to the last bit of V8's Math.cos).
import { ArgumentError } from '@torchlet/core';
import { pow } from './math.js';
import { Optimizer, type ParamGroup } from './optimizer.js';
import type { ParamState, StateValue } from './state-dict.js';
import { describeValue } from './validate.js';

/** A scheduler's state dict, with PyTorch's key names (`last_epoch`, `base_lrs`, `_step_count`, `step_size`, ...). */
export type SchedulerStateDict = Record<string, StateValue>;

// How a scheduler's own settings appear in its state dict: PyTorch's key, our property, its type.
interface SettingKey {
  key: string;
  prop: string;
  kind: 'number' | 'positiveInt' | 'milestones';
}

/**
 * Base class of the schedulers (`torch.optim.lr_scheduler._LRScheduler`). On construction it
 * records each group's `initialLr` (when `lastEpoch` is -1) and takes a first step, which sets
 * the epoch-0 learning rates. Call `step()` once per epoch, after `optimizer.step()`.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer<ParamGroup, ParamState>;
  /** Each group's `initialLr`. */
  baseLrs: number[];
  /** The index of the last epoch (-1 before the first step). */
  lastEpoch: number;
  /** How many times `step()` ran, including the one in the constructor (PyTorch's `_step_count`). */
  protected stepCount = 0;
  private lastLr: number[] = [];

  /** @internal Settings saved in the state dict besides the common fields. */
  protected abstract readonly settingKeys: readonly SettingKey[];

  /**
   * @param optimizer the optimizer to drive
   * @param lastEpoch -1 to start; another value resumes, and then every group needs `initialLr`
   */
  protected constructor(optimizer: Optimizer<any, any>, lastEpoch = -1) {
    if (!(optimizer instanceof Optimizer)) throw new ArgumentError(`${describeValue(optimizer)} is not an Optimizer`);
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new ArgumentError(`lastEpoch must be an integer >= -1, got ${String(lastEpoch)}`);
    const groups = optimizer.paramGroups as ParamGroup[];
    if (lastEpoch === -1) {
      for (const group of groups) if (group.initialLr === undefined) group.initialLr = group.lr;
    } else {
      groups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new ArgumentError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer (set paramGroups[${i}].initialLr)`);
        }
      });
    }
    this.optimizer = optimizer;
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rates the last `step()` set, one per group. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /**
   * Advances one epoch and sets each group's `lr`. Passing `epoch` (deprecated in PyTorch) jumps
   * to that epoch and uses the closed form instead.
   */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      if (typeof epoch !== 'number' || !Number.isFinite(epoch)) throw new ArgumentError(`step(epoch): epoch must be a finite number, got ${describeValue(epoch)}`);
      this.lastEpoch = epoch;
      values = this.closedFormLr();
    }
    const groups = this.optimizer.paramGroups;
    groups.forEach((group, i) => {
      group.lr = values[i];
    });
    this.lastLr = groups.map((g) => g.lr);
  }

  /**
   * The scheduler's state with PyTorch's keys: `base_lrs`, `last_epoch`, `_step_count`,
   * `_last_lr` and the scheduler's settings (`step_size`, `gamma`, `T_max`, ...).
   */
  stateDict(): SchedulerStateDict {
    const sd: SchedulerStateDict = {};
    for (const { key, prop, kind } of this.settingKeys) {
      const value = (this as unknown as Record<string, unknown>)[prop];
      sd[key] = kind === 'milestones' ? Object.fromEntries(value as Map<number, number>) : (value as number);
    }
    sd.base_lrs = this.baseLrs.slice();
    sd.last_epoch = this.lastEpoch;
    sd._step_count = this.stepCount;
    sd._last_lr = this.lastLr.slice();
    return sd;
  }

  /**
   * Restores state from `stateDict()` (keys it lacks keep their values; unknown keys such as
   * PyTorch's `verbose` are ignored). Checks every value first; on error nothing changes.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    if (stateDict === null || typeof stateDict !== 'object') throw new ArgumentError('loadStateDict: expected a scheduler state dict object');
    const updates: [string, unknown][] = [];
    const numbers = (key: string, value: unknown): number[] => {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) throw new ArgumentError(`loadStateDict: '${key}' must be an array of numbers`);
      return value.slice() as number[];
    };
    const integer = (key: string, value: unknown): number => {
      if (!Number.isInteger(value)) throw new ArgumentError(`loadStateDict: '${key}' must be an integer, got ${describeValue(value)}`);
      return value as number;
    };
    if ('base_lrs' in stateDict) updates.push(['baseLrs', numbers('base_lrs', stateDict.base_lrs)]);
    if ('last_epoch' in stateDict) {
      // an epoch passed to step(epoch) may be fractional, as in PyTorch
      if (typeof stateDict.last_epoch !== 'number') throw new ArgumentError("loadStateDict: 'last_epoch' must be a number");
      updates.push(['lastEpoch', stateDict.last_epoch]);
    }
    if ('_step_count' in stateDict) updates.push(['stepCount', integer('_step_count', stateDict._step_count)]);
    if ('_last_lr' in stateDict) updates.push(['lastLr', numbers('_last_lr', stateDict._last_lr)]);
    for (const { key, prop, kind } of this.settingKeys) {
      if (!(key in stateDict)) continue;
      const value = stateDict[key];
      updates.push([prop, kind === 'milestones' ? toMilestones(value) : checkSetting(key, value, kind)]);
    }
    for (const [prop, value] of updates) (this as unknown as Record<string, unknown>)[prop] = value;
  }

  /** Starts the schedule: the first step, which sets the epoch-0 learning rates. Subclasses call it last in their constructor. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The next learning rates from the groups' current ones (PyTorch's `get_lr`). */
  protected abstract getLr(): number[];

  /** The learning rates at `lastEpoch` from `baseLrs` alone (PyTorch's `_get_closed_form_lr`). */
  protected abstract closedFormLr(): number[];

  /** The current `lr` of every group. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs (`StepLR`):
 * lr = initialLr · gamma^⌊epoch / stepSize⌋.
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  stepSize: number;
  /** Decay factor. */
  gamma: number;
  /** @internal */
  protected readonly settingKeys = [
    { key: 'step_size', prop: 'stepSize', kind: 'positiveInt' },
    { key: 'gamma', prop: 'gamma', kind: 'number' },
  ] as const;

  /**
   * @param optimizer the optimizer to drive
   * @param stepSize epochs between decays (a positive integer)
   * @param options `gamma` (0.1), `lastEpoch` (-1)
   */
  constructor(optimizer: Optimizer<any, any>, stepSize: number, { gamma = 0.1, lastEpoch = -1 }: { gamma?: number; lastEpoch?: number } = {}) {
    checkSetting('stepSize', stepSize, 'positiveInt');
    checkSetting('gamma', gamma, 'number');
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected closedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * pow(this.gamma, Math.floor(this.lastEpoch / this.stepSize)));
  }
}

/**
 * Multiplies the learning rate by `gamma` at each milestone epoch (`MultiStepLR`); a milestone
 * listed twice decays twice.
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone epoch → how many times it was listed. */
  milestones: Map<number, number>;
  /** Decay factor. */
  gamma: number;
  /** @internal */
  protected readonly settingKeys = [
    { key: 'milestones', prop: 'milestones', kind: 'milestones' },
    { key: 'gamma', prop: 'gamma', kind: 'number' },
  ] as const;

  /**
   * @param optimizer the optimizer to drive
   * @param milestones epochs at which to decay (integers)
   * @param options `gamma` (0.1), `lastEpoch` (-1)
   */
  constructor(optimizer: Optimizer<any, any>, milestones: Iterable<number>, { gamma = 0.1, lastEpoch = -1 }: { gamma?: number; lastEpoch?: number } = {}) {
    const counts = toMilestones(milestones === null || typeof milestones !== 'object' ? milestones : [...milestones]);
    checkSetting('gamma', gamma, 'number');
    super(optimizer, lastEpoch);
    this.milestones = counts;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * pow(this.gamma, count));
  }

  protected closedFormLr(): number[] {
    let passed = 0; // bisect_right over the sorted milestones, each counted with its multiplicity
    for (const [m, count] of this.milestones) if (m <= this.lastEpoch) passed += count;
    return this.baseLrs.map((baseLr) => baseLr * pow(this.gamma, passed));
  }
}

/** Multiplies the learning rate by `gamma` every epoch (`ExponentialLR`): lr = initialLr · gammaᵉᵖᵒᶜʰ. */
export class ExponentialLR extends LRScheduler {
  /** Decay factor per epoch. */
  gamma: number;
  /** @internal */
  protected readonly settingKeys = [{ key: 'gamma', prop: 'gamma', kind: 'number' }] as const;

  /**
   * @param optimizer the optimizer to drive
   * @param gamma decay factor per epoch
   * @param options `lastEpoch` (-1)
   */
  constructor(optimizer: Optimizer<any, any>, gamma: number, { lastEpoch = -1 }: { lastEpoch?: number } = {}) {
    checkSetting('gamma', gamma, 'number');
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected closedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * pow(this.gamma, this.lastEpoch));
  }
}

/**
 * Cosine annealing from the initial learning rate down to `etaMin` over `tMax` epochs
 * (`CosineAnnealingLR`, SGDR without restarts): lr = etaMin + (initialLr - etaMin)(1 + cos(π·epoch/tMax))/2.
 * Past `tMax` the schedule climbs back up, as PyTorch's does.
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Epochs of one half period. */
  tMax: number;
  /** The lowest learning rate. */
  etaMin: number;
  /** @internal */
  protected readonly settingKeys = [
    { key: 'T_max', prop: 'tMax', kind: 'positiveInt' },
    { key: 'eta_min', prop: 'etaMin', kind: 'number' },
  ] as const;

  /**
   * @param optimizer the optimizer to drive
   * @param tMax epochs of one half period (PyTorch's `T_max`, a positive integer)
   * @param options `etaMin` (0), `lastEpoch` (-1)
   */
  constructor(optimizer: Optimizer<any, any>, tMax: number, { etaMin = 0, lastEpoch = -1 }: { etaMin?: number; lastEpoch?: number } = {}) {
    checkSetting('tMax', tMax, 'positiveInt');
    checkSetting('etaMin', etaMin, 'number');
    super(optimizer, lastEpoch);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch, tMax, etaMin } = this;
    if (lastEpoch === 0) return this.groupLrs();
    if (this.stepCount === 1 && lastEpoch > 0) {
      // resumed with lastEpoch > -1: jump straight onto the curve
      return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((lastEpoch * Math.PI) / tMax))) / 2);
    }
    const groups = this.optimizer.paramGroups;
    if (pyMod(lastEpoch - 1 - tMax, 2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * lastEpoch) / tMax)) / (1 + Math.cos((Math.PI * (lastEpoch - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected closedFormLr(): number[] {
    const { lastEpoch, tMax, etaMin } = this;
    return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * lastEpoch) / tMax))) / 2);
  }
}

/**
 * Scales the learning rate linearly from `startFactor` to `endFactor` times the initial one over
 * `totalIters` epochs, then keeps it (`LinearLR`, typically a warm-up).
 */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0, in [0, 1]. */
  startFactor: number;
  /** Factor from epoch `totalIters` on, in [0, 1]. */
  endFactor: number;
  /** Epochs to go from `startFactor` to `endFactor`. */
  totalIters: number;
  /** @internal */
  protected readonly settingKeys = [
    { key: 'start_factor', prop: 'startFactor', kind: 'number' },
    { key: 'end_factor', prop: 'endFactor', kind: 'number' },
    { key: 'total_iters', prop: 'totalIters', kind: 'positiveInt' },
  ] as const;

  /**
   * @param optimizer the optimizer to drive
   * @param options `startFactor` (1/3), `endFactor` (1), `totalIters` (5), `lastEpoch` (-1)
   */
  constructor(
    optimizer: Optimizer<any, any>,
    { startFactor = 1.0 / 3, endFactor = 1.0, totalIters = 5, lastEpoch = -1 }: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    checkSetting('startFactor', startFactor, 'number');
    checkSetting('endFactor', endFactor, 'number');
    if (startFactor > 1.0 || startFactor < 0) throw new ArgumentError('Starting multiplicative factor expected to be between 0 and 1.');
    if (endFactor > 1.0 || endFactor < 0) throw new ArgumentError('Ending multiplicative factor expected to be between 0 and 1.');
    checkSetting('totalIters', totalIters, 'positiveInt');
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch, startFactor, endFactor, totalIters } = this;
    if (lastEpoch === 0) return this.groupLrs().map((lr) => lr * startFactor);
    if (lastEpoch > totalIters) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 + (endFactor - startFactor) / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor))));
  }

  protected closedFormLr(): number[] {
    const { lastEpoch, startFactor, endFactor, totalIters } = this;
    return this.baseLrs.map((baseLr) => baseLr * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, lastEpoch)) / totalIters));
  }
}

// Python's %, which takes the divisor's sign (JavaScript's takes the dividend's).
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function checkSetting(name: string, value: unknown, kind: 'number' | 'positiveInt'): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ArgumentError(`scheduler setting '${name}' must be a number, got ${describeValue(value)}`);
  if (kind === 'positiveInt' && !(Number.isInteger(value) && value > 0)) {
    throw new ArgumentError(`scheduler setting '${name}' must be a positive integer, got ${String(value)}`);
  }
  return value;
}

// Milestones as PyTorch's Counter: epoch → multiplicity, from a list of epochs or a saved { epoch: count } object.
function toMilestones(value: unknown): Map<number, number> {
  const counts = new Map<number, number>();
  if (Array.isArray(value)) {
    for (const m of value) {
      if (!Number.isInteger(m)) throw new ArgumentError(`milestones must be integers, got ${describeValue(m)}`);
      counts.set(m as number, (counts.get(m as number) ?? 0) + 1);
    }
    return counts;
  }
  if (value instanceof Map) return toMilestones(Object.fromEntries(value));
  if (value !== null && typeof value === 'object') {
    for (const [k, c] of Object.entries(value)) {
      if (!Number.isInteger(Number(k)) || !Number.isInteger(c) || (c as number) < 1) throw new ArgumentError(`milestones must map integer epochs to counts, got ${k}: ${describeValue(c)}`);
      counts.set(Number(k), c as number);
    }
    return counts;
  }
  throw new ArgumentError(`milestones must be an array of integer epochs, got ${describeValue(value)}`);
}
