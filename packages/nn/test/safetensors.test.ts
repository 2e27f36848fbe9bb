// safetensors interop with PyTorch-side files (fixtures/safetensors/, written by
// scripts/fixtures/nn.py with struct + json, as the safetensors package is not in Debian):
// files written by PyTorch load with the right values, and for the same tensors torchlet writes
// byte-for-byte the file the PyTorch side wrote (scripts/fixtures/nn_safetensors_read.py reads
// that file back into torch with an independent reader).
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, ShapeError, type Tensor, tensor } from '@torchlet/core';
import { Linear, loadSafetensors, readSafetensorsHeader, saveSafetensors, Sequential, LayerNorm } from '@torchlet/nn';
import { loadSafetensorsFile, saveSafetensorsFile } from '@torchlet/nn/node';
import { expectExact, fixture, flat, fromJSON, type TensorJSON } from './helpers.js';

const dir = new URL('./fixtures/safetensors/', import.meta.url);
const file = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const json = fixture<{
  torchWritten: Record<string, TensorJSON>;
  torchWrittenMetadata: Record<string, string>;
  half: Record<string, TensorJSON>;
  reference: [string, TensorJSON][];
  referenceMetadata: Record<string, string>;
}>('safetensors/tensors.json');

describe('loading files written by PyTorch', () => {
  it('loads F32, F64, I32, I64 (as int32), BOOL, 0-d and empty tensors with PyTorch\'s key names', () => {
    const sd = loadSafetensors(file('torch_written.safetensors'));
    expect(Object.keys(sd).sort()).toEqual(Object.keys(json.torchWritten).sort());
    for (const [k, v] of Object.entries(json.torchWritten)) expectExact(sd[k], v, k);
    expect(sd.steps.dtype).toBe('int32');
    expect(readSafetensorsHeader(file('torch_written.safetensors')).metadata).toEqual(json.torchWrittenMetadata);
  });

  it('the loaded state dict goes straight into the matching torchlet model', () => {
    const sd = loadSafetensors(file('torch_written.safetensors'));
    const model = new Sequential(new Linear(3, 2), new LayerNorm(2));
    const { unexpectedKeys } = model.loadStateDict(sd, { strict: false });
    expect(unexpectedKeys.sort()).toEqual(['counts', 'empty', 'mask', 'scalar', 'scale', 'special', 'steps']);
    expectExact(model.stateDict()['0.weight'], json.torchWritten['0.weight']);
    expectExact(model.stateDict()['1.bias'], json.torchWritten['1.bias']);
  });

  it('refuses I64 values outside int32', () => {
    expect(() => loadSafetensors(file('torch_i64_overflow.safetensors'))).toThrow(DTypeError);
    expect(() => loadSafetensors(file('torch_i64_overflow.safetensors'))).toThrow(/1099511627776 at flat index 1, outside int32's range/);
  });

  it('widens F16 and BF16 to float32', () => {
    const sd = loadSafetensors(file('torch_half.safetensors'));
    for (const [k, v] of Object.entries(json.half)) expectExact(sd[k], v, k);
  });
});

describe('writing files PyTorch reads', () => {
  const tensors = (): [string, Tensor][] => json.reference.map(([k, v]) => [k, fromJSON(v)]);

  it('writes the same bytes as the PyTorch-side writer for the same tensors', () => {
    const ours = saveSafetensors(Object.fromEntries(tensors()), json.referenceMetadata);
    expect(Buffer.from(ours).equals(Buffer.from(file('reference.safetensors')))).toBe(true);
    // insertion order does not matter: the format sorts by dtype, then name
    const reversed = new Map(tensors().reverse());
    expect(Buffer.from(saveSafetensors(reversed, json.referenceMetadata)).equals(Buffer.from(ours))).toBe(true);
  });

  it('round-trips, including non-contiguous tensors and a model\'s state dict', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]).t();
    const back = loadSafetensors(saveSafetensors({ t, b: tensor([true, false]), i: tensor([7, -8], { dtype: 'int32' }) }));
    expect(back.t.tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(back.b.tolist()).toEqual([true, false]);
    expect(back.i.dtype).toBe('int32');
    const model = new Sequential(new Linear(4, 3), new LayerNorm(3));
    const copy = new Sequential(new Linear(4, 3), new LayerNorm(3));
    copy.loadStateDict(loadSafetensors(saveSafetensors(model.stateDict())));
    expect(copy.parameters().map(flat)).toEqual(model.parameters().map(flat));
  });

  it('the header is 8-byte aligned JSON with __metadata__ first', () => {
    const bytes = saveSafetensors({ x: tensor([1]) }, { a: 'b' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text).toBe('{"__metadata__":{"a":"b"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'.padEnd(n, ' '));
  });

  it('file helpers from @torchlet/nn/node write and read files', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'torchlet-nn-'));
    try {
      const path = join(tmp, 'model.safetensors');
      const model = new Linear(2, 2);
      await saveSafetensorsFile(path, model.stateDict(), { format: 'pt' });
      const sd = await loadSafetensorsFile(path);
      expect(flat(sd.weight)).toEqual(flat(model.weight));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('bad files give clear errors', () => {
  const good = () => saveSafetensors({ a: tensor([1, 2]), b: tensor([3]) });
  const withHeader = (header: string, data = new Uint8Array(0)) => {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    return out;
  };

  it('truncated, oversized or non-JSON headers', () => {
    expect(() => loadSafetensors(new Uint8Array(4))).toThrow(/too small/);
    expect(() => loadSafetensors(good().subarray(0, 20))).toThrow(/runs past the end/);
    expect(() => loadSafetensors(withHeader('not json'))).toThrow(/not valid UTF-8 JSON/);
    expect(() => loadSafetensors(withHeader('[1]'))).toThrow(/must be a JSON object/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    expect(() => loadSafetensors(huge)).toThrow(ArgumentError);
  });

  it('offsets that do not match the shape, leave gaps or run past the data', () => {
    expect(() => loadSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4)))).toThrow(ShapeError);
    expect(() => loadSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', new Uint8Array(8)))).toThrow(/gap or overlap/);
    expect(() => loadSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(8)))).toThrow(/cover 4 bytes/);
    expect(() => loadSafetensors(withHeader('{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)))).toThrow(/unknown dtype/);
    expect(() => loadSafetensors(withHeader('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)))).toThrow(DTypeError);
  });

  it('refuses to write what the format cannot hold', () => {
    expect(() => saveSafetensors({ a: [1] as any })).toThrow(ArgumentError);
    expect(() => saveSafetensors({ a: tensor([1]) }, { n: 1 as any })).toThrow(/metadata values must be strings/);
  });
});
