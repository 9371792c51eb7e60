'use strict';
// VPCs, vSwitches, route tables, the VPN gateway lifecycle and tags (SPEC section 12) through the
// Node clients: the whole chain built, tagged, listed, renamed and torn down in reverse, exact
// payloads (key order and JSON types off the wire, and what each SDK sent), and the errors
// Terraform relies on.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const { C, KINDS, assertErrorEnvelope, makeClient } = require('../lib/clients');
const { journal, state } = require('../lib/admin');

const DEFAULT_VPC = 'vpc-bp1emulator0000000001';
const id = (prefix) => new RegExp(`^${prefix}-[a-z0-9]{21}$`);
const VPC_LIST_KEYS = ['VpcId', 'RegionId', 'Status', 'VpcName', 'CreationTime', 'CidrBlock', 'Ipv6CidrBlock',
  'VRouterId', 'Description', 'IsDefault', 'DhcpOptionsSetId', 'DhcpOptionsSetStatus', 'ResourceGroupId', 'OwnerId',
  'EnabledIpv6', 'DnsHostnameStatus', 'VSwitchIds', 'UserCidrs', 'SecondaryCidrBlocks', 'RouterTableIds',
  'NatGatewayIds', 'Ipv6CidrBlocks', 'Tags'];
const VSWITCH_KEYS = ['VSwitchId', 'VpcId', 'Status', 'CidrBlock', 'Ipv6CidrBlock', 'ZoneId',
  'AvailableIpAddressCount', 'Description', 'VSwitchName', 'CreationTime', 'IsDefault', 'ResourceGroupId',
  'NetworkAclId', 'OwnerId', 'ShareType', 'EnabledIpv6', 'RouteTable', 'Tags'];
const SDK_PARAMS = {
  'tea-acs3': {},
  'tea-v1': { Action: true, Format: 'json', Version: '2016-04-28' },
  'pop-get': { Action: true, Format: 'JSON', Version: '2016-04-28' },
  'pop-post': { Action: true, Format: 'JSON', Version: '2016-04-28' },
};

async function expectSent(emu, kind, action, params) {
  const want = { RegionId: C.REGION };
  for (const [k, v] of Object.entries(params)) want[k] = String(v);
  for (const [k, v] of Object.entries(SDK_PARAMS[kind])) want[k] = k === 'Action' ? action : v;
  const [entry] = await journal(emu, { action, limit: 1 });
  assert.deepEqual(entry.Params, want);
}

for (const kind of KINDS) {
  describe(`VPCs, vSwitches, gateways and tags [${kind}]`, () => {
    test('the chain', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const made = await c.api('CreateVpc', {
        CidrBlock: '10.0.0.0/16', VpcName: 'chain', Tag: [{ Key: 'team', Value: 'vpn' }], ClientToken: `vpc-${kind}`,
      });
      assert.deepEqual(Object.keys(made.wire), ['RequestId', 'VpcId', 'VRouterId', 'RouteTableId', 'ResourceGroupId']);
      const vpc = made.wire.VpcId;
      assert.match(vpc, id('vpc'));
      await expectSent(emu, kind, 'CreateVpc', {
        CidrBlock: '10.0.0.0/16', VpcName: 'chain', 'Tag.1.Key': 'team', 'Tag.1.Value': 'vpn', ClientToken: `vpc-${kind}`,
      });
      const attribute = (await c.api('DescribeVpcAttribute', { VpcId: vpc })).wire;
      assert.equal(attribute.Status, 'Available');
      // pop-core parses integers of more than 15 digits as BigNumber (the adapter shows which).
      assert.equal(attribute.OwnerId, kind.startsWith('pop') ? 'BigNumber(1000000000000001)' : 1000000000000001);
      assert.match(attribute.CreationTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(attribute.SecondaryCidrBlocks, { SecondaryCidrBlock: [] });

      const vsw = (await c.api('CreateVSwitch', {
        VpcId: vpc, ZoneId: 'cn-hangzhou-b', CidrBlock: '10.0.1.0/24', VSwitchName: 'a', ClientToken: `vsw-${kind}`,
      })).wire.VSwitchId;
      assert.match(vsw, id('vsw'));
      const sw = (await c.api('DescribeVSwitchAttributes', { VSwitchId: vsw })).wire;
      assert.deepEqual(Object.keys(sw), ['RequestId', ...VSWITCH_KEYS]);
      assert.deepEqual(sw.RouteTable, { RouteTableId: made.wire.RouteTableId, RouteTableType: 'System' });

      const gw = await c.api('CreateVpnGateway', {
        VpcId: vpc, Bandwidth: 10, EnableSsl: true, InstanceChargeType: 'POSTPAY', AutoPay: true, ClientToken: `gw-${kind}`,
      });
      assert.deepEqual(Object.keys(gw.wire), ['RequestId', 'VpnGatewayId', 'Name', 'OrderId']);
      assert.ok(Number.isInteger(gw.wire.OrderId) && String(gw.wire.OrderId).length === 15, JSON.stringify(gw.wire));
      const gwId = gw.wire.VpnGatewayId;
      assert.equal(gw.wire.Name, gwId);
      await expectSent(emu, kind, 'CreateVpnGateway', {
        VpcId: vpc, Bandwidth: 10, EnableSsl: true, InstanceChargeType: 'POSTPAY', AutoPay: true, ClientToken: `gw-${kind}`,
      });
      const g = (await c.api('DescribeVpnGateway', { VpnGatewayId: gwId })).wire;
      assert.deepEqual([g.VpcId, g.VSwitchId, g.Spec, g.SslVpn, g.Status], [vpc, vsw, '10M', 'enable', 'active']);
      const server = (await c.api('CreateSslVpnServer', {
        VpnGatewayId: gwId, ClientIpPool: '192.168.0.0/16', LocalSubnet: '10.0.0.0/16',
      })).wire.SslVpnServerId;
      const certs = [];
      for (let i = 0; i < 10; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        certs.push((await c.create({ serverId: server })).body.SslVpnClientCertId);
      }

      for (const [type, rid] of [['VPC', vpc], ['VSWITCH', vsw], ['VpnGateWay', gwId]]) {
        for (let i = 0; i < 2; i += 1) {
          // eslint-disable-next-line no-await-in-loop
          const tagged = await c.api('TagResources', { ResourceType: type, ResourceId: [rid], Tag: [{ Key: 'env', Value: 'test' }] });
          assert.deepEqual(Object.keys(tagged.wire), ['RequestId']);
        }
      }
      await expectSent(emu, kind, 'TagResources', {
        ResourceType: 'VpnGateWay', 'ResourceId.1': gwId, 'Tag.1.Key': 'env', 'Tag.1.Value': 'test',
      });
      const tags = (await c.api('ListTagResources', { ResourceType: 'VPC', ResourceId: [vpc] })).wire;
      assert.deepEqual(tags, {
        RequestId: tags.RequestId,
        NextToken: '',
        TagResources: {
          TagResource: [
            { ResourceId: vpc, ResourceType: 'VPC', TagKey: 'team', TagValue: 'vpn' },
            { ResourceId: vpc, ResourceType: 'VPC', TagKey: 'env', TagValue: 'test' },
          ],
        },
      });
      const vpcs = (await c.api('DescribeVpcs', { VpcId: vpc, Tag: [{ Key: 'env', Value: 'test' }] })).wire;
      assert.equal(vpcs.TotalCount, 1);
      assert.deepEqual(Object.keys(vpcs.Vpcs.Vpc[0]), VPC_LIST_KEYS);
      assert.deepEqual(vpcs.Vpcs.Vpc[0].VSwitchIds, { VSwitchId: [vsw] });
      const switches = (await c.api('DescribeVSwitches', { VpcId: vpc })).wire;
      assert.deepEqual(Object.keys(switches.VSwitches.VSwitch[0]), VSWITCH_KEYS);
      const tables = (await c.api('DescribeRouteTableList', { VpcId: vpc })).wire;
      const table = tables.RouterTableList.RouterTableListType[0];
      assert.deepEqual([table.RouteTableType, table.VpcId, table.RouterId], ['System', vpc, made.wire.VRouterId]);
      assert.deepEqual(Object.keys((await c.api('ModifyVpcAttribute', { VpcId: vpc, VpcName: 'renamed' })).wire), ['RequestId']);
      assert.deepEqual(Object.keys((await c.api('ModifyVSwitchAttribute', { VSwitchId: vsw, VSwitchName: 'b' })).wire), ['RequestId']);
      const modified = (await c.api('ModifyVpnGatewayAttribute', { VpnGatewayId: gwId, Description: 'gw', AutoPropagate: false })).wire;
      assert.deepEqual([modified.Description, modified.AutoPropagate, modified.IntranetIp], ['gw', false, '']);
      await c.api('UnTagResources', { ResourceType: 'VPC', ResourceId: [vpc], TagKey: ['env'] });
      await expectSent(emu, kind, 'UnTagResources', { ResourceType: 'VPC', 'ResourceId.1': vpc, 'TagKey.1': 'env' });

      const dependent = 'Specified object has dependent resources.';
      assertErrorEnvelope(await c.error(() => c.api('DeleteVSwitch', { VSwitchId: vsw })), 400, 'DependencyViolation', dependent);
      assertErrorEnvelope(await c.error(() => c.api('DeleteVpc', { VpcId: vpc })), 400, 'DependencyViolation.VSwitch', dependent);
      for (const cert of certs.reverse()) {
        // eslint-disable-next-line no-await-in-loop
        await c.delete({ certId: cert });
      }
      await c.api('DeleteSslVpnServer', { SslVpnServerId: server });
      assert.deepEqual(Object.keys((await c.api('DeleteVpnGateway', { VpnGatewayId: gwId })).wire), ['RequestId']);
      assert.deepEqual(Object.keys((await c.api('DeleteVSwitch', { VSwitchId: vsw })).wire), ['RequestId']);
      assert.deepEqual(Object.keys((await c.api('DeleteVpc', { VpcId: vpc, ClientToken: `del-${kind}` })).wire), ['RequestId']);
      assertErrorEnvelope(await c.error(() => c.api('DescribeVpcAttribute', { VpcId: vpc })), 404, 'InvalidVpcId.NotFound',
        'Specified VPC does not exist.');
      assert.deepEqual((await state(emu)).Vpcs.map((v) => v.VpcId), [DEFAULT_VPC]);
    });

    test('errors', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const cases = [
        ['CreateVpc', { CidrBlock: '11.0.0.0/8' }, 400, 'InvalidCidrBlock.Malformed', 'Specified CIDR block is not valid.'],
        ['CreateVSwitch', { VpcId: DEFAULT_VPC, ZoneId: 'cn-hangzhou-b', CidrBlock: '10.0.0.0/24' }, 400, 'InvalidParameter',
          'Specified CIDR block is not valid in VPC.'],
        ['CreateVSwitch', { VpcId: DEFAULT_VPC, ZoneId: 'cn-hangzhou-b', CidrBlock: '192.168.1.0/25' }, 400,
          'InvalidCidrBlock.Overlapped', 'Specified CIDR block overlapped with other subnets.'],
        ['CreateVSwitch', { VpcId: DEFAULT_VPC, ZoneId: 'cn-hangzhou-z', CidrBlock: '192.168.2.0/24' }, 404,
          'InvalidZoneId.NotFound', 'Specified zone does not exist.'],
        ['DescribeVSwitchAttributes', { VSwitchId: 'vsw-bp1doesnotexist000001' }, 404, 'InvalidVSwitchId.NotFound', 'VSwitch not exist.'],
        ['CreateVpnGateway', { VpcId: DEFAULT_VPC, Bandwidth: 7 }, 400, 'InvalidParameter', 'The specified parameter "Bandwidth" is not valid.'],
        ['TagResources', { ResourceType: 'EIP', ResourceId: [DEFAULT_VPC], Tag: [{ Key: 'k', Value: 'v' }] }, 400, 'InvalidParameter',
          'The specified parameter "ResourceType" is not valid.'],
      ];
      for (const [action, params, status, code, message] of cases) {
        // eslint-disable-next-line no-await-in-loop
        assertErrorEnvelope(await c.error(() => c.api(action, params)), status, code, message);
      }
      const prepaid = (await c.api('CreateVpnGateway', { VpcId: DEFAULT_VPC, Bandwidth: 5, InstanceChargeType: 'PREPAY', Period: 1 })).wire;
      assertErrorEnvelope(await c.error(() => c.api('DeleteVpnGateway', { VpnGatewayId: prepaid.VpnGatewayId })), 403,
        'ForbiddenRelease', 'Forbidden to release a prepaid instance within validity period');
    });
  });
}
