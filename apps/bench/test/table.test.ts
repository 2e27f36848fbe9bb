import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, table } from '../src/report/table.js';

describe('report formatting', () => {
  it('picks units', () => {
    expect(formatMs(0.0000005)).toBe('0.5 ns');
    expect(formatMs(0.25)).toBe('250.00 µs');
    expect(formatMs(12.5)).toBe('12.500 ms');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MiB');
  });
  it('aligns columns', () => {
    expect(table(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n---  --\nxxx  y ');
  });
});
