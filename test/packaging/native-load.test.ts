// The addon this checkout built (or IOMUX_ADDON names) loads through lib/native.ts, the one loader.
import { C, native } from '../../lib/native';

test('the addon loads and exposes its constants', () => {
  expect(typeof native).toBe('object');
  expect(typeof C).toBe('object');
});
