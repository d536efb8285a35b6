// CI runs the whole suite again under Node 22 and 24 (scripts/node-versions.sh) with
// IOMUX_EXPECT_NODE naming the major: this proves those runs really used that Node, and that the
// addon built once against this machine's Node loaded in it.
import { C } from '../../lib/native';
import { when } from '../helpers/platform';

const expected = process.env.IOMUX_EXPECT_NODE;

when(Boolean(expected), 'IOMUX_EXPECT_NODE not set').test(
  'runs under the Node major that IOMUX_EXPECT_NODE names',
  () => {
    expect(process.versions.node.split('.')[0]).toBe(expected);
    expect(typeof C.FD_SETSIZE).toBe('number');
  },
);

test('runs on a Node the package supports (engines: >=20)', () => {
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  expect(process.versions.napi === undefined || Number(process.versions.napi) >= 8).toBe(true);
});
