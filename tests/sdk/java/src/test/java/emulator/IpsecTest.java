package emulator;

import static emulator.Sdk.admin;
import static emulator.Sdk.json;
import static emulator.VpcsTest.assertCode;
import static emulator.VpcsTest.caller;
import static emulator.VpcsTest.field;
import static emulator.VpcsTest.id;
import static emulator.VpcsTest.p;
import static emulator.VpcsTest.tag;
import static emulator.VpcsTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IPsec half (SPEC 14: customer gateways, IPsec connections, destination routes) through
 * both Java SDKs' typed requests (the Tea SDK's models, the legacy SDK's request classes, asked
 * for JSON and for XML): the whole site-to-site chain (VPC, vSwitch, VPN gateway, customer
 * gateway, connection, route) built, read, tagged, changed and torn down; what each SDK sent, the
 * typed answers, and for the legacy JSON client the raw answers byte for byte (key order and
 * JSON types).
 */
@VpcEmulatorTest(fixtures = "../fixtures/servers.json", seed = 42, resetBeforeEach = true)
class IpsecTest {
    static final String GATEWAY = "vpn-bp1emulator0000000001";
    static final String IKE = "{\"IkeAuthAlg\":\"sha1\",\"IkeEncAlg\":\"aes256\",\"IkeLifetime\":0,\"IkeMode\":\"main\","
            + "\"IkePfs\":\"group14\",\"IkeVersion\":\"ikev2\",\"Psk\":\"tf-testvpn1\"}";
    /** What the journal shows of {@link #IKE}: the pre-shared key, a secret, is left out. */
    static final String IKE_JOURNALED = "{\"IkeAuthAlg\":\"sha1\",\"IkeEncAlg\":\"aes256\",\"IkeLifetime\":0,\"IkeMode\":\"main\","
            + "\"IkePfs\":\"group14\",\"IkeVersion\":\"ikev2\"}";
    static final String IPSEC = "{\"IpsecAuthAlg\":\"sha256\",\"IpsecEncAlg\":\"aes\",\"IpsecLifetime\":3600,\"IpsecPfs\":\"group5\"}";
    static final String HEALTH = "{\"dip\":\"10.0.0.1\",\"enable\":true,\"interval\":5,\"retry\":2,\"sip\":\"172.16.0.1\"}";

    static String withoutRequestId(JsonNode body) {
        ObjectNode copy = body.deepCopy();
        copy.remove("RequestId");
        return copy.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tea", "legacy-json", "legacy-xml"})
    void theSiteToSiteChain(String kind, Emulator emu) throws Exception {
        VpcsTest.Caller c = caller(kind, emu);
        VpcsTest.Legacy raw = kind.equals("legacy-json") ? (VpcsTest.Legacy) c : null;
        String vpc = text(c.call("CreateVpc", p("CidrBlock", "10.0.0.0/16", "VpcName", "site")), "VpcId");
        String vsw = text(c.call("CreateVSwitch", p("VpcId", vpc, "ZoneId", "cn-hangzhou-b", "CidrBlock", "10.0.1.0/24")),
                "VSwitchId");
        String gw = text(c.call("CreateVpnGateway", p("VpcId", vpc, "Bandwidth", 10, "EnableIpsec", true)), "VpnGatewayId");
        String ip = text(c.call("DescribeVpnGateway", p("VpnGatewayId", gw)), "InternetIp");

        JsonNode made = c.call("CreateCustomerGateway", p("IpAddress", "203.0.113.50", "Name", "office",
                "Description", "the router", "Asn", "65001", "AuthKey", "bgp-key", "Tags", List.of(tag("team", "net")),
                "ClientToken", "cgw-" + kind));
        String cgw = text(made, "CustomerGatewayId");
        assertTrue(id("cgw").matcher(cgw).matches(), made.toString());
        assertEquals("office", text(made, "Name"));
        // AuthKey, a secret, is not journaled.
        assertEquals(json("{\"Asn\":\"65001\",\"ClientToken\":\"cgw-" + kind + "\","
                + "\"Description\":\"the router\",\"IpAddress\":\"203.0.113.50\",\"Name\":\"office\",\"RegionId\":\"cn-hangzhou\","
                + "\"Tags.1.Key\":\"team\",\"Tags.1.Value\":\"net\"}"), ServersTest.sent(emu, "CreateCustomerGateway"));
        long created = field(made, "CreateTime").asLong();
        JsonNode described = c.call("DescribeCustomerGateway", p("CustomerGatewayId", cgw));
        assertEquals(65001, field(described, "Asn").asLong());
        assertEquals("bgp-key", text(described, "AuthKey"));
        String cgwJson = "{\"CustomerGatewayId\":\"" + cgw + "\",\"Name\":\"office\",\"Description\":\"the router\","
                + "\"IpAddress\":\"203.0.113.50\",\"Asn\":65001,\"AuthKey\":\"bgp-key\",\"CreateTime\":" + created + ","
                + "\"ResourceGroupId\":\"\",\"Tags\":{\"Tag\":[{\"Key\":\"team\",\"Value\":\"net\"}]}}";
        if (raw != null) {
            assertEquals(cgwJson, withoutRequestId(raw.raw("DescribeCustomerGateway", p("CustomerGatewayId", cgw))));
            assertEquals("{\"TotalCount\":1,\"PageNumber\":1,\"PageSize\":10,\"CustomerGateways\":{\"CustomerGateway\":["
                    + cgwJson + "]}}", withoutRequestId(raw.raw("DescribeCustomerGateways", p("CustomerGatewayId", cgw))));
        }
        assertEquals(1, field(c.call("DescribeCustomerGateways", p("CustomerGatewayId", cgw)), "TotalCount").asInt());
        JsonNode renamed = c.call("ModifyCustomerGatewayAttribute", p("CustomerGatewayId", cgw, "Description", "renamed"));
        assertEquals("renamed", text(renamed, "Description"));

        JsonNode conn = c.call("CreateVpnConnection", p("VpnGatewayId", gw, "CustomerGatewayId", cgw, "Name", "site-a",
                "LocalSubnet", "10.0.0.0/16,10.1.0.0/16", "RemoteSubnet", "192.168.0.0/16", "EffectImmediately", true,
                "EnableNatTraversal", false, "IkeConfig", IKE, "IpsecConfig", IPSEC, "HealthCheckConfig", HEALTH,
                "Tags", List.of(tag("Created", "sdk")), "ClientToken", "vco-" + kind));
        String vco = text(conn, "VpnConnectionId");
        assertTrue(id("vco").matcher(vco).matches(), conn.toString());
        JsonNode sent = ServersTest.sent(emu, "CreateVpnConnection");
        assertEquals(IKE_JOURNALED, sent.get("IkeConfig").asText());
        assertEquals(HEALTH, sent.get("HealthCheckConfig").asText());
        assertEquals(List.of("true", "false", "Created", "sdk"), List.of(sent.get("EffectImmediately").asText(),
                sent.get("EnableNatTraversal").asText(), sent.get("Tags.1.Key").asText(), sent.get("Tags.1.Value").asText()));
        long connCreated = field(conn, "CreateTime").asLong();

        JsonNode d = c.call("DescribeVpnConnection", p("VpnConnectionId", vco));
        assertEquals("active", text(d, "State"));
        assertEquals("ike_sa_not_established", text(d, "Status"));
        assertEquals(ip, text(d, "InternetIp"));
        assertEquals(86400, field(field(d, "IkeConfig"), "IkeLifetime").asInt());
        assertEquals("tf-testvpn1", text(field(d, "IkeConfig"), "Psk"));
        assertEquals(ip, text(field(d, "IkeConfig"), "LocalId"));
        assertEquals("group5", text(field(d, "IpsecConfig"), "IpsecPfs"));
        assertEquals("true", text(field(d, "VcoHealthCheck"), "Enable"));
        assertEquals(5, field(field(d, "VcoHealthCheck"), "Interval").asInt());
        assertEquals(45104, field(field(d, "VpnBgpConfig"), "LocalAsn").asLong());
        String ike = "{\"IkeAuthAlg\":\"sha1\",\"IkeEncAlg\":\"aes256\",\"IkeLifetime\":86400,\"IkeMode\":\"main\","
                + "\"IkePfs\":\"group14\",\"IkeVersion\":\"ikev2\",\"LocalId\":\"" + ip + "\",\"Psk\":\"tf-testvpn1\","
                + "\"RemoteId\":\"203.0.113.50\"}";
        String ipsec = "{\"IpsecAuthAlg\":\"sha256\",\"IpsecEncAlg\":\"aes\",\"IpsecLifetime\":3600,\"IpsecPfs\":\"group5\"}";
        String head = "\"VpnConnectionId\":\"" + vco + "\",\"VpnGatewayId\":\"" + gw + "\",\"CustomerGatewayId\":\"" + cgw
                + "\",\"Name\":\"site-a\",\"LocalSubnet\":\"10.0.0.0/16,10.1.0.0/16\",\"RemoteSubnet\":\"192.168.0.0/16\","
                + "\"CreateTime\":" + connCreated + ",\"EffectImmediately\":true,\"Status\":\"ike_sa_not_established\","
                + "\"State\":\"active\",\"EnableDpd\":true,\"EnableNatTraversal\":false,\"EnableTunnelsBgp\":false,"
                + "\"CrossAccountAuthorized\":false,\"InternetIp\":\"" + ip + "\",\"NetworkType\":\"public\","
                + "\"AttachType\":\"VPNGW\",\"AttachInstanceId\":\"\",\"TransitRouterId\":\"\",\"TransitRouterName\":\"\","
                + "\"Spec\":\"\",\"TunnelBandwidth\":\"\",";
        String tail = "\"RemoteCaCertificate\":\"\",\"ResourceGroupId\":\"\",\"IkeConfig\":" + ike + ",\"IpsecConfig\":" + ipsec
                + ",\"VcoHealthCheck\":{\"Enable\":\"true\",\"Dip\":\"10.0.0.1\",\"Sip\":\"172.16.0.1\",\"Interval\":5,"
                + "\"Retry\":2,\"Status\":\"failed\",\"Policy\":\"revoke_route\"},";
        String tags = "{\"Tag\":[{\"Key\":\"Created\",\"Value\":\"sdk\"}]}";
        if (raw != null) {
            assertEquals("{" + head + "\"ZoneNo\":\"\"," + tail + "\"VpnBgpConfig\":{\"EnableBgp\":\"false\",\"LocalAsn\":45104,"
                    + "\"TunnelCidr\":\"\",\"LocalBgpIp\":\"\",\"PeerBgpIp\":\"\",\"Status\":\"\",\"AuthKey\":\"bgp-key\"},"
                    + "\"Tags\":" + tags + "}", withoutRequestId(raw.raw("DescribeVpnConnection", p("VpnConnectionId", vco))));
            assertEquals("{\"TotalCount\":1,\"PageNumber\":1,\"PageSize\":10,\"VpnConnections\":{\"VpnConnection\":[{" + head
                    + tail + "\"VpnBgpConfig\":{\"LocalAsn\":45104,\"TunnelCidr\":\"\",\"LocalBgpIp\":\"\",\"PeerBgpIp\":\"\","
                    + "\"Status\":\"\",\"AuthKey\":\"bgp-key\"},\"Tag\":" + tags + "}]}}",
                    withoutRequestId(raw.raw("DescribeVpnConnections", p("VpnGatewayId", gw))));
        }
        JsonNode list = c.call("DescribeVpnConnections", p("VpnGatewayId", gw, "CustomerGatewayId", cgw));
        assertEquals(1, field(list, "TotalCount").asInt());
        JsonNode changed = c.call("ModifyVpnConnectionAttribute", p("VpnConnectionId", vco,
                "RemoteSubnet", "192.168.0.0/16,10.9.0.0/16", "HealthCheckConfig", "{\"Enable\":false}", "ClientToken", "mod-" + kind));
        assertEquals("192.168.0.0/16,10.9.0.0/16", text(changed, "RemoteSubnet"));
        assertEquals("false", text(field(changed, "VcoHealthCheck"), "Enable"));
        JsonNode config = field(c.call("DownloadVpnConnectionConfig", p("VpnConnectionId", vco)), "VpnConnectionConfig");
        assertEquals(List.of("203.0.113.50", ip, "192.168.0.0/16,10.9.0.0/16"),
                List.of(text(config, "Local"), text(config, "Remote"), text(config, "LocalSubnet")));
        assertEquals("203.0.113.50", text(field(config, "IkeConfig"), "LocalId"));

        for (String[] r : new String[][] {{"CUSTOMERGATEWAY", cgw}, {"VPNCONNECTION", vco}}) {
            for (int i = 0; i < 2; i++) {
                c.call("TagResources", p("ResourceType", r[0], "ResourceId", List.of(r[1]), "Tag", List.of(tag("env", "test"))));
            }
        }
        assertEquals(json("{\"RegionId\":\"cn-hangzhou\",\"ResourceId.1\":\"" + vco + "\",\"ResourceType\":\"VPNCONNECTION\","
                + "\"Tag.1.Key\":\"env\",\"Tag.1.Value\":\"test\"}"), ServersTest.sent(emu, "TagResources"));
        JsonNode listed = c.call("ListTagResources", p("ResourceType", "VPNCONNECTION", "ResourceId", List.of(vco)));
        assertTrue(listed.toString().contains("\"VPNCONNECTION\"") && listed.toString().contains("\"env\""), listed.toString());
        c.call("UnTagResources", p("ResourceType", "CUSTOMERGATEWAY", "ResourceId", List.of(cgw), "TagKey", List.of("env")));

        JsonNode route = c.call("CreateVpnRouteEntry", p("VpnGatewayId", gw, "RouteDest", "192.168.10.0/24", "NextHop", vco,
                "Weight", 0, "PublishVpc", true, "ClientToken", "r-" + kind));
        assertEquals(List.of(gw, "published", "Ipsec", "0"), List.of(text(route, "VpnInstanceId"), text(route, "State"),
                text(route, "OverlayMode"), text(route, "Weight")));
        assertEquals(json("{\"ClientToken\":\"r-" + kind + "\",\"NextHop\":\"" + vco + "\",\"PublishVpc\":\"true\","
                + "\"RegionId\":\"cn-hangzhou\",\"RouteDest\":\"192.168.10.0/24\",\"VpnGatewayId\":\"" + gw + "\",\"Weight\":\"0\"}"),
                ServersTest.sent(emu, "CreateVpnRouteEntry"));
        long routeCreated = field(route, "CreateTime").asLong();
        c.call("ModifyVpnRouteEntryWeight", p("VpnGatewayId", gw, "RouteDest", "192.168.10.0/24", "NextHop", vco,
                "Weight", 0, "NewWeight", 100));
        c.call("PublishVpnRouteEntry", p("VpnGatewayId", gw, "RouteDest", "192.168.10.0/24", "NextHop", vco,
                "RouteType", "dbr", "PublishVpc", false));
        JsonNode routes = c.call("DescribeVpnRouteEntries", p("VpnGatewayId", gw, "PageSize", 20));
        assertEquals(1, field(routes, "TotalCount").asInt());
        assertTrue(routes.toString().contains("\"normal\""), routes.toString());
        if (raw != null) {
            assertEquals("{\"TotalCount\":1,\"PageNumber\":1,\"PageSize\":20,\"VpnRouteEntries\":{\"VpnRouteEntry\":[{"
                    + "\"VpnInstanceId\":\"" + gw + "\",\"RouteDest\":\"192.168.10.0/24\",\"NextHop\":\"" + vco + "\","
                    + "\"Weight\":100,\"State\":\"normal\",\"RouteEntryType\":\"custom\",\"CreateTime\":" + routeCreated + ","
                    + "\"NextHopTunnelId\":\"\",\"Source\":\"\",\"AsPath\":\"\",\"Community\":\"\"}]},"
                    + "\"VpnRouteCounts\":{\"VpnRouteCount\":[{\"RouteEntryType\":\"custom\",\"Source\":\"\",\"RouteCount\":1}]}}",
                    withoutRequestId(raw.raw("DescribeVpnRouteEntries", p("VpnGatewayId", gw, "PageSize", 20))));
        }

        assertCode(c, "DependencyViolation.VpnConnection", () -> c.call("DeleteVpnGateway", p("VpnGatewayId", gw)));
        assertCode(c, "DependencyViolation.VpnConnection", () -> c.call("DeleteCustomerGateway", p("CustomerGatewayId", cgw)));
        c.call("DeleteVpnRouteEntry", p("VpnGatewayId", gw, "RouteDest", "192.168.10.0/24", "NextHop", vco, "Weight", 100,
                "ClientToken", "del-r-" + kind));
        assertCode(c, "InvalidRouteEntry.NotFound", () -> c.call("DeleteVpnRouteEntry", p("VpnGatewayId", gw,
                "RouteDest", "192.168.10.0/24", "NextHop", vco, "Weight", 100)));
        c.call("DeleteVpnConnection", p("VpnConnectionId", vco));
        assertCode(c, "InvalidVpnConnectionInstanceId.NotFound", () -> c.call("DescribeVpnConnection", p("VpnConnectionId", vco)));
        c.call("DeleteCustomerGateway", p("CustomerGatewayId", cgw));
        assertCode(c, "InvalidCustomerGatewayInstanceId.NotFound",
                () -> c.call("DescribeCustomerGateway", p("CustomerGatewayId", cgw)));
        c.call("DeleteVpnGateway", p("VpnGatewayId", gw));
        c.call("DeleteVSwitch", p("VSwitchId", vsw));
        c.call("DeleteVpc", p("VpcId", vpc));
        JsonNode state = admin(emu, "GET", "state", null);
        assertEquals("[][][]", state.get("CustomerGateways").toString() + state.get("VpnConnections")
                + state.get("VpnRouteEntries"));
        assertTrue(!state.get("VpnGateways").toString().contains(gw), state.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tea", "legacy-json", "legacy-xml"})
    void errors(String kind, Emulator emu) throws Exception {
        VpcsTest.Caller c = caller(kind, emu);
        String cgw = text(c.call("CreateCustomerGateway", p("IpAddress", "198.51.100.9")), "CustomerGatewayId");
        assertCode(c, "InvalidIpAddress.WrongFormat", () -> c.call("CreateCustomerGateway", p("IpAddress", "198.51.100")));
        assertCode(c, "InvalidIpAddress.AlreadyExist", () -> c.call("CreateCustomerGateway", p("IpAddress", "198.51.100.9")));
        assertCode(c, "IllegalParam.LocalSubnet", () -> c.call("CreateVpnConnection", p("VpnGatewayId", GATEWAY,
                "CustomerGatewayId", cgw, "LocalSubnet", "10.0.0.1/24", "RemoteSubnet", "192.168.0.0/16")));
        assertCode(c, "InvalidParameter", () -> c.call("CreateVpnConnection", p("VpnGatewayId", GATEWAY,
                "CustomerGatewayId", cgw, "LocalSubnet", "10.0.0.0/24", "RemoteSubnet", "192.168.0.0/16",
                "HealthCheckConfig", "{\"enable\":true}")));
        assertCode(c, "InvalidVpnGatewayInstanceId.NotFound", () -> c.call("DescribeVpnRouteEntries",
                p("VpnGatewayId", "vpn-bp1doesnotexist000001")));
        assertCode(c, "InvalidRouteEntry.NotFound", () -> c.call("PublishVpnRouteEntry", p("VpnGatewayId", GATEWAY,
                "RouteDest", "10.0.0.0/24", "NextHop", "vco-x", "RouteType", "dbr", "PublishVpc", true)));
        assertCode(c, "DependencyViolation.SslVpnServer", () -> c.call("DeleteVpnGateway", p("VpnGatewayId", GATEWAY)));
        c.call("CreateVpnConnection", p("VpnGatewayId", GATEWAY, "CustomerGatewayId", cgw,
                "LocalSubnet", "10.0.0.0/24", "RemoteSubnet", "192.168.0.0/16"));
        assertCode(c, "InvalidVpnConnection.AlreadyExists", () -> c.call("CreateVpnConnection", p("VpnGatewayId", GATEWAY,
                "CustomerGatewayId", cgw, "LocalSubnet", "10.0.0.0/24", "RemoteSubnet", "192.168.0.0/16")));
    }
}
