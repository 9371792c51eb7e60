'use strict';
// The IPsec half (SPEC 14: customer gateways, IPsec connections, destination routes) through the
// Node clients: the whole site-to-site chain (VPC, vSwitch, VPN gateway, customer gateway,
// connection, route) built, read, tagged, changed and torn down, with exact payloads (key order
// and JSON types off the wire, and what each SDK sent), and the errors a teardown meets.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const { C, KINDS, assertErrorEnvelope, makeClient } = require('../lib/clients');
const { journal, state } = require('../lib/admin');

const GATEWAY = 'vpn-bp1emulator0000000001';
const SDK_PARAMS = {
  'tea-acs3': {},
  'tea-v1': { Action: true, Format: 'json', Version: '2016-04-28' },
  'pop-get': { Action: true, Format: 'JSON', Version: '2016-04-28' },
  'pop-post': { Action: true, Format: 'JSON', Version: '2016-04-28' },
};
const CONNECTION_KEYS = ['VpnConnectionId', 'VpnGatewayId', 'CustomerGatewayId', 'Name', 'LocalSubnet',
  'RemoteSubnet', 'CreateTime', 'EffectImmediately', 'Status', 'State', 'EnableDpd', 'EnableNatTraversal',
  'EnableTunnelsBgp', 'CrossAccountAuthorized', 'InternetIp', 'NetworkType', 'AttachType', 'AttachInstanceId',
  'TransitRouterId', 'TransitRouterName', 'Spec', 'TunnelBandwidth', 'ZoneNo', 'RemoteCaCertificate',
  'ResourceGroupId', 'IkeConfig', 'IpsecConfig', 'VcoHealthCheck', 'VpnBgpConfig', 'Tags'];
const MODIFY_KEYS = ['RequestId', 'VpnConnectionId', 'VpnGatewayId', 'CustomerGatewayId', 'Name', 'Description',
  'LocalSubnet', 'RemoteSubnet', 'CreateTime', 'EffectImmediately', 'EnableDpd', 'EnableNatTraversal',
  'EnableTunnelsBgp', 'ResourceGroupId', 'IkeConfig', 'IpsecConfig', 'VcoHealthCheck', 'VpnBgpConfig'];
const IKE = JSON.stringify({
  IkeAuthAlg: 'sha1', IkeEncAlg: 'aes256', IkeLifetime: 0, IkeMode: 'main', IkePfs: 'group14', IkeVersion: 'ikev2',
  Psk: 'tf-testvpn1',
});
// What the journal shows of IKE: the pre-shared key, a secret, is left out (SPEC 8).
const IKE_JOURNALED = JSON.stringify({
  IkeAuthAlg: 'sha1', IkeEncAlg: 'aes256', IkeLifetime: 0, IkeMode: 'main', IkePfs: 'group14', IkeVersion: 'ikev2',
});
const IPSEC = JSON.stringify({ IpsecAuthAlg: 'sha256', IpsecEncAlg: 'aes', IpsecLifetime: 3600, IpsecPfs: 'group5' });
const BGP = JSON.stringify({ EnableBgp: true, LocalAsn: '65010', TunnelCidr: '169.254.11.0/30', LocalBgpIp: '169.254.11.1' });
const IN_USE = 'There are vpn connections on specified customer gateway not deleted.';

async function expectSent(emu, kind, action, params) {
  const want = { RegionId: C.REGION };
  for (const [k, v] of Object.entries(params)) want[k] = String(v);
  for (const [k, v] of Object.entries(SDK_PARAMS[kind])) want[k] = k === 'Action' ? action : v;
  const [entry] = await journal(emu, { action, limit: 1 });
  assert.deepEqual(entry.Params, want);
}

for (const kind of KINDS) {
  describe(`IPsec VPN [${kind}]`, () => {
    test('the site-to-site chain', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const vpc = (await c.api('CreateVpc', { CidrBlock: '10.0.0.0/16', VpcName: 'site' })).wire.VpcId;
      const vsw = (await c.api('CreateVSwitch', { VpcId: vpc, ZoneId: 'cn-hangzhou-b', CidrBlock: '10.0.1.0/24' })).wire.VSwitchId;
      const gw = (await c.api('CreateVpnGateway', { VpcId: vpc, Bandwidth: 10, EnableIpsec: true })).wire.VpnGatewayId;
      const gatewayIp = (await c.api('DescribeVpnGateway', { VpnGatewayId: gw })).wire.InternetIp;

      const made = (await c.api('CreateCustomerGateway', {
        IpAddress: '203.0.113.50', Name: 'office', Description: 'the router', Asn: '65001', AuthKey: 'bgp-key',
        Tags: [{ Key: 'team', Value: 'net' }], ClientToken: `cgw-${kind}`,
      })).wire;
      assert.deepEqual(Object.keys(made), ['RequestId', 'CustomerGatewayId', 'IpAddress', 'Name', 'Description', 'CreateTime']);
      const cgw = made.CustomerGatewayId;
      assert.match(cgw, /^cgw-[a-z0-9]{21}$/);
      assert.ok(Number.isInteger(made.CreateTime));
      await expectSent(emu, kind, 'CreateCustomerGateway', {
        // AuthKey, a secret, is not journaled.
        IpAddress: '203.0.113.50', Name: 'office', Description: 'the router', Asn: '65001',
        'Tags.1.Key': 'team', 'Tags.1.Value': 'net', ClientToken: `cgw-${kind}`,
      });
      const described = (await c.api('DescribeCustomerGateway', { CustomerGatewayId: cgw })).wire;
      assert.deepEqual(described, {
        RequestId: described.RequestId, CustomerGatewayId: cgw, Name: 'office', Description: 'the router',
        IpAddress: '203.0.113.50', Asn: 65001, AuthKey: 'bgp-key', CreateTime: made.CreateTime, ResourceGroupId: '',
        Tags: { Tag: [{ Key: 'team', Value: 'net' }] },
      });
      assert.deepEqual(Object.keys(described), ['RequestId', 'CustomerGatewayId', 'Name', 'Description', 'IpAddress',
        'Asn', 'AuthKey', 'CreateTime', 'ResourceGroupId', 'Tags']);
      const listed = (await c.api('DescribeCustomerGateways', { Tag: [{ Key: 'team', Value: 'net' }], PageSize: 50 })).wire;
      assert.deepEqual(Object.keys(listed), ['RequestId', 'TotalCount', 'PageNumber', 'PageSize', 'CustomerGateways']);
      const { RequestId: _, ...item } = described;
      assert.deepEqual(listed.CustomerGateways.CustomerGateway, [item]);
      const renamed = (await c.api('ModifyCustomerGatewayAttribute', { CustomerGatewayId: cgw, Description: 'renamed' })).wire;
      assert.deepEqual(Object.keys(renamed), ['RequestId', 'CustomerGatewayId', 'IpAddress', 'Name', 'Description',
        'CreateTime', 'ResourceGroupId']);

      const conn = (await c.api('CreateVpnConnection', {
        VpnGatewayId: gw, CustomerGatewayId: cgw, Name: 'site-a', LocalSubnet: '10.0.0.0/16,10.1.0.0/16',
        RemoteSubnet: '192.168.0.0/16', EffectImmediately: true, EnableNatTraversal: false, IkeConfig: IKE,
        IpsecConfig: IPSEC, BgpConfig: BGP, Tags: [{ Key: 'Created', Value: 'sdk' }], ClientToken: `vco-${kind}`,
      })).wire;
      assert.deepEqual(Object.keys(conn), ['RequestId', 'VpnConnectionId', 'Name', 'CreateTime']);
      const vco = conn.VpnConnectionId;
      assert.match(vco, /^vco-[a-z0-9]{21}$/);
      await expectSent(emu, kind, 'CreateVpnConnection', {
        VpnGatewayId: gw, CustomerGatewayId: cgw, Name: 'site-a', LocalSubnet: '10.0.0.0/16,10.1.0.0/16',
        RemoteSubnet: '192.168.0.0/16', EffectImmediately: true, EnableNatTraversal: false, IkeConfig: IKE_JOURNALED,
        IpsecConfig: IPSEC, BgpConfig: BGP, 'Tags.1.Key': 'Created', 'Tags.1.Value': 'sdk', ClientToken: `vco-${kind}`,
      });
      const d = (await c.api('DescribeVpnConnection', { VpnConnectionId: vco })).wire;
      assert.deepEqual(Object.keys(d), ['RequestId', ...CONNECTION_KEYS]);
      assert.deepEqual(d, {
        RequestId: d.RequestId, VpnConnectionId: vco, VpnGatewayId: gw, CustomerGatewayId: cgw, Name: 'site-a',
        LocalSubnet: '10.0.0.0/16,10.1.0.0/16', RemoteSubnet: '192.168.0.0/16', CreateTime: conn.CreateTime,
        EffectImmediately: true, Status: 'ike_sa_not_established', State: 'active', EnableDpd: true,
        EnableNatTraversal: false, EnableTunnelsBgp: false, CrossAccountAuthorized: false, InternetIp: gatewayIp,
        NetworkType: 'public', AttachType: 'VPNGW', AttachInstanceId: '', TransitRouterId: '', TransitRouterName: '',
        Spec: '', TunnelBandwidth: '', ZoneNo: '', RemoteCaCertificate: '', ResourceGroupId: '',
        IkeConfig: {
          IkeAuthAlg: 'sha1', IkeEncAlg: 'aes256', IkeLifetime: 86400, IkeMode: 'main', IkePfs: 'group14',
          IkeVersion: 'ikev2', LocalId: gatewayIp, Psk: 'tf-testvpn1', RemoteId: '203.0.113.50',
        },
        IpsecConfig: { IpsecAuthAlg: 'sha256', IpsecEncAlg: 'aes', IpsecLifetime: 3600, IpsecPfs: 'group5' },
        VcoHealthCheck: { Enable: 'false', Dip: '', Sip: '', Interval: 0, Retry: 0, Status: '', Policy: '' },
        VpnBgpConfig: {
          EnableBgp: 'true', LocalAsn: 65010, TunnelCidr: '169.254.11.0/30', LocalBgpIp: '169.254.11.1',
          PeerBgpIp: '169.254.11.2', PeerAsn: 65001, Status: 'failed', AuthKey: 'bgp-key',
        },
        Tags: { Tag: [{ Key: 'Created', Value: 'sdk' }] },
      });
      const items = (await c.api('DescribeVpnConnections', { VpnGatewayId: gw, CustomerGatewayId: cgw })).wire;
      assert.deepEqual(Object.keys(items), ['RequestId', 'TotalCount', 'PageNumber', 'PageSize', 'VpnConnections']);
      const [listItem] = items.VpnConnections.VpnConnection;
      assert.deepEqual(Object.keys(listItem), [...CONNECTION_KEYS.filter((k) => k !== 'ZoneNo' && k !== 'Tags'), 'Tag']);
      assert.deepEqual(listItem.Tag, d.Tags);
      const { EnableBgp: _on, ...listBgp } = d.VpnBgpConfig;
      assert.deepEqual(listItem.VpnBgpConfig, listBgp);
      const changed = (await c.api('ModifyVpnConnectionAttribute', {
        VpnConnectionId: vco, HealthCheckConfig: JSON.stringify({ Enable: true, Dip: '10.0.0.1', Sip: '172.16.0.1' }),
        ClientToken: `mod-${kind}`,
      })).wire;
      assert.deepEqual(Object.keys(changed), MODIFY_KEYS);
      assert.deepEqual(changed.VcoHealthCheck, { Enable: 'true', Dip: '10.0.0.1', Sip: '172.16.0.1', Interval: 3, Retry: 3 });
      assert.equal(changed.Description, '');
      const config = (await c.api('DownloadVpnConnectionConfig', { VpnConnectionId: vco })).wire;
      assert.deepEqual(config.VpnConnectionConfig, {
        LocalSubnet: '192.168.0.0/16', RemoteSubnet: '10.0.0.0/16,10.1.0.0/16', Local: '203.0.113.50', Remote: gatewayIp,
        IkeConfig: { ...d.IkeConfig, LocalId: '203.0.113.50', RemoteId: gatewayIp },
        IpsecConfig: d.IpsecConfig,
      });

      for (const [type, rid] of [['CUSTOMERGATEWAY', cgw], ['VPNCONNECTION', vco]]) {
        for (let i = 0; i < 2; i += 1) {
          // eslint-disable-next-line no-await-in-loop
          const tagged = await c.api('TagResources', { ResourceType: type, ResourceId: [rid], Tag: [{ Key: 'env', Value: 'test' }] });
          assert.deepEqual(Object.keys(tagged.wire), ['RequestId']);
        }
      }
      await expectSent(emu, kind, 'TagResources', {
        ResourceType: 'VPNCONNECTION', 'ResourceId.1': vco, 'Tag.1.Key': 'env', 'Tag.1.Value': 'test',
      });
      const tags = (await c.api('ListTagResources', { ResourceType: 'CUSTOMERGATEWAY', ResourceId: [cgw] })).wire;
      assert.deepEqual(tags.TagResources.TagResource, [
        { ResourceId: cgw, ResourceType: 'CUSTOMERGATEWAY', TagKey: 'team', TagValue: 'net' },
        { ResourceId: cgw, ResourceType: 'CUSTOMERGATEWAY', TagKey: 'env', TagValue: 'test' },
      ]);
      await c.api('UnTagResources', { ResourceType: 'VPNCONNECTION', ResourceId: [vco], TagKey: ['env'] });
      assert.deepEqual((await c.api('DescribeVpnConnection', { VpnConnectionId: vco })).wire.Tags,
        { Tag: [{ Key: 'Created', Value: 'sdk' }] });

      const r = (await c.api('CreateVpnRouteEntry', {
        VpnGatewayId: gw, RouteDest: '192.168.10.0/24', NextHop: vco, Weight: 0, PublishVpc: true, ClientToken: `r-${kind}`,
      })).wire;
      assert.deepEqual(r, {
        RequestId: r.RequestId, VpnInstanceId: gw, RouteDest: '192.168.10.0/24', NextHop: vco, OverlayMode: 'Ipsec',
        Weight: 0, State: 'published', Description: '', CreateTime: r.CreateTime,
      });
      assert.deepEqual(Object.keys(r), ['RequestId', 'VpnInstanceId', 'RouteDest', 'NextHop', 'OverlayMode', 'Weight',
        'State', 'Description', 'CreateTime']);
      await expectSent(emu, kind, 'CreateVpnRouteEntry', {
        VpnGatewayId: gw, RouteDest: '192.168.10.0/24', NextHop: vco, Weight: 0, PublishVpc: true, ClientToken: `r-${kind}`,
      });
      await c.api('ModifyVpnRouteEntryWeight', { VpnGatewayId: gw, RouteDest: '192.168.10.0/24', NextHop: vco, Weight: 0, NewWeight: 100 });
      await c.api('PublishVpnRouteEntry', {
        VpnGatewayId: gw, RouteDest: '192.168.10.0/24', NextHop: vco, RouteType: 'dbr', PublishVpc: false,
      });
      const routes = (await c.api('DescribeVpnRouteEntries', { VpnGatewayId: gw, PageSize: 20 })).wire;
      assert.deepEqual(routes, {
        RequestId: routes.RequestId, TotalCount: 1, PageNumber: 1, PageSize: 20,
        VpnRouteEntries: {
          VpnRouteEntry: [{
            VpnInstanceId: gw, RouteDest: '192.168.10.0/24', NextHop: vco, Weight: 100, State: 'normal',
            RouteEntryType: 'custom', CreateTime: r.CreateTime, NextHopTunnelId: '', Source: '', AsPath: '', Community: '',
          }],
        },
        VpnRouteCounts: { VpnRouteCount: [{ RouteEntryType: 'custom', Source: '', RouteCount: 1 }] },
      });

      assertErrorEnvelope(await c.error(() => c.api('DeleteVpnGateway', { VpnGatewayId: gw })), 400,
        'DependencyViolation.VpnConnection', IN_USE);
      assertErrorEnvelope(await c.error(() => c.api('DeleteCustomerGateway', { CustomerGatewayId: cgw })), 400,
        'DependencyViolation.VpnConnection', IN_USE);
      assert.deepEqual(Object.keys((await c.api('DeleteVpnRouteEntry', {
        VpnGatewayId: gw, RouteDest: '192.168.10.0/24', NextHop: vco, Weight: 100, ClientToken: `del-r-${kind}`,
      })).wire), ['RequestId']);
      assert.deepEqual(Object.keys((await c.api('DeleteVpnConnection', { VpnConnectionId: vco })).wire), ['RequestId']);
      assertErrorEnvelope(await c.error(() => c.api('DescribeVpnConnection', { VpnConnectionId: vco })), 404,
        'InvalidVpnConnectionInstanceId.NotFound', 'The specified vpn connection instance id does not exist.');
      assert.deepEqual(Object.keys((await c.api('DeleteCustomerGateway', { CustomerGatewayId: cgw })).wire), ['RequestId']);
      await c.api('DeleteVpnGateway', { VpnGatewayId: gw });
      await c.api('DeleteVSwitch', { VSwitchId: vsw });
      await c.api('DeleteVpc', { VpcId: vpc });
      const after = await state(emu);
      assert.deepEqual([after.CustomerGateways, after.VpnConnections, after.VpnRouteEntries], [[], [], []]);
      assert.deepEqual(after.VpnGateways.map((g) => g.VpnGatewayId), [GATEWAY]);
    });

    test('errors', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const cgw = (await c.api('CreateCustomerGateway', { IpAddress: '198.51.100.9' })).wire.CustomerGatewayId;
      const conn = { VpnGatewayId: GATEWAY, CustomerGatewayId: cgw, LocalSubnet: '10.0.0.0/24', RemoteSubnet: '192.168.0.0/16' };
      const cases = [
        ['CreateCustomerGateway', { IpAddress: '198.51.100.9' }, 400, 'InvalidIpAddress.AlreadyExist', 'Specified IpAddress is already exist.'],
        ['CreateCustomerGateway', { IpAddress: '198.51.100.9', Asn: '45104' }, 400, 'InvalidParameter',
          'The specified parameter "Asn" is not valid.'],
        ['CreateVpnConnection', { ...conn, RemoteSubnet: '192.168.0.1/16' }, 400, 'IllegalParam.RemoteSubnet',
          'The specified "RemoteSubnet" (192.168.0.1/16) is invalid.'],
        ['CreateVpnConnection', { ...conn, IpsecConfig: '{"IpsecPfs":"group3"}' }, 400, 'InvalidParameter',
          'The specified parameter "IpsecConfig" is not valid.'],
        ['DescribeCustomerGateway', { CustomerGatewayId: 'cgw-bp1doesnotexist000001' }, 404,
          'InvalidCustomerGatewayInstanceId.NotFound', 'The specified customer gateway instance id does not exist.'],
        ['PublishVpnRouteEntry', { VpnGatewayId: GATEWAY, RouteDest: '10.0.0.0/24', NextHop: 'vco-x', RouteType: 'dbr', PublishVpc: true },
          400, 'InvalidRouteEntry.NotFound', 'Route entry not exists.'],
        ['DeleteVpnGateway', { VpnGatewayId: GATEWAY }, 400, 'DependencyViolation.SslVpnServer',
          'There is SSL VPN server on specified vpn gateway not deleted.'],
      ];
      for (const [action, params, status, code, message] of cases) {
        // eslint-disable-next-line no-await-in-loop
        assertErrorEnvelope(await c.error(() => c.api(action, params)), status, code, message);
      }
      await c.api('CreateVpnConnection', conn);
      assertErrorEnvelope(await c.error(() => c.api('CreateVpnConnection', conn)), 400,
        'InvalidVpnConnection.AlreadyExists', 'Vpn connection already exists.');
    });
  });
}
