package emulator;

import static emulator.Sdk.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.tea.TeaException;
import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.*;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;

/**
 * SSL-VPN servers and VPN gateways as API resources (SPEC section 11) through both Java SDKs'
 * typed requests: the Tea SDK (ACS3), and the legacy SDK asked for JSON and for XML, its raw
 * answers checked too; errors, and a retry on VpnGateway.Configuring through the busy window.
 */
@VpcEmulatorTest(fixtures = "../fixtures/servers.json", seed = 42, resetBeforeEach = true)
class ServersTest {
    static final String FREE_GW = "vpn-bp1emulatorfree00001";
    static final String NOSSL_GW = "vpn-bp1emulatornossl0001";
    static final String GATEWAY = "vpn-bp1emulator0000000001";
    static final Pattern SERVER_ID = Pattern.compile("^vss-[a-z0-9]{21}$");
    static final List<String> SERVER_KEYS = List.of("RegionId", "SslVpnServerId", "VpnGatewayId", "Name",
            "ClientIpPool", "LocalSubnet", "Proto", "Port", "Cipher", "Compress", "CreateTime", "Connections",
            "MaxConnections", "InternetIp", "EnableMultiFactorAuth", "ResourceGroupId");

    static String invalid(String p) {
        return "The specified parameter \"" + p + "\" is not valid.";
    }

    /** The journaled parameters of the newest call of {@code action}, less Action/Format/Version. */
    static JsonNode sent(Emulator emu, String action) throws Exception {
        JsonNode entry = admin(emu, "GET", "requests?limit=1&action=" + action, null).get(0);
        com.fasterxml.jackson.databind.node.ObjectNode params =
                (com.fasterxml.jackson.databind.node.ObjectNode) entry.get("Params").deepCopy();
        params.remove(List.of("Action", "Format", "Version"));
        return params;
    }

    static TeaException teaError(org.junit.jupiter.api.function.Executable call, int status, String code,
            String message) {
        TeaException e = assertThrows(TeaException.class, call);
        assertEquals(code, e.getCode());
        Map<String, Object> body = TeaSdkTest.body(e);
        assertEquals(message, body.get("Message"));
        Object statusCode = e.getStatusCode() != null ? e.getStatusCode() : e.getData().get("statusCode");
        assertEquals(status, ((Number) statusCode).intValue());
        assertTrue(REQUEST_ID.matcher((String) body.get("RequestId")).matches());
        return e;
    }

    // ------------------------------------------------------------------ Tea

    @Test
    void teaServerLifecycle(Emulator emu) throws Exception {
        Client c = TeaSdkTest.client(emu, ROOT_AK, ROOT_SECRET);
        CreateSslVpnServerResponse made = c.createSslVpnServer(new CreateSslVpnServerRequest().setRegionId(REGION)
                .setVpnGatewayId(FREE_GW).setClientIpPool("10.8.0.0/16").setLocalSubnet("172.16.0.0/16")
                .setName("office").setPort(1195).setProto("UDP").setCompress(true).setClientToken("java-tea"));
        assertEquals(200, made.getStatusCode());
        assertEquals(TeaSdkTest.sorted("RequestId", "SslVpnServerId", "Name"), TeaSdkTest.keys(made.getBody().toMap()));
        String id = made.getBody().getSslVpnServerId();
        assertTrue(SERVER_ID.matcher(id).matches(), id);
        assertEquals(made.getBody().getRequestId(), made.getHeaders().get("x-acs-request-id"));
        assertEquals(json("{\"ClientIpPool\":\"10.8.0.0/16\",\"ClientToken\":\"java-tea\",\"Compress\":\"true\","
                + "\"LocalSubnet\":\"172.16.0.0/16\",\"Name\":\"office\",\"Port\":\"1195\",\"Proto\":\"UDP\","
                + "\"RegionId\":\"cn-hangzhou\",\"VpnGatewayId\":\"" + FREE_GW + "\"}"), sent(emu, "CreateSslVpnServer"));

        DescribeSslVpnServersResponseBody list = c.describeSslVpnServers(new DescribeSslVpnServersRequest()
                .setRegionId(REGION).setSslVpnServerId(id)).getBody();
        assertEquals(1, list.getTotalCount());
        var s = list.getSslVpnServers().getSslVpnServer().get(0);
        // Every field of this SDK's model is filled from the wire but the IDaaS ones, which are
        // absent while multi-factor authentication is off. (The model has no ResourceGroupId;
        // the legacy test sees it on the wire.)
        List<String> unfilled = new ArrayList<>();
        s.toMap().forEach((k, v) -> {
            if (v == null) {
                unfilled.add(k);
            }
        });
        java.util.Collections.sort(unfilled);
        assertEquals(List.of("IDaaSInstanceId", "IDaaSRegionId"), unfilled);
        assertEquals(id, s.getSslVpnServerId());
        assertEquals(FREE_GW, s.getVpnGatewayId());
        assertEquals("office", s.getName());
        assertEquals(1195, s.getPort());
        assertEquals("UDP", s.getProto());
        assertEquals("AES-128-CBC", s.getCipher());
        assertEquals(true, s.getCompress());
        assertEquals(0, s.getConnections());
        assertEquals(10, s.getMaxConnections());
        assertEquals("203.0.113.7", s.getInternetIp());
        assertEquals(false, s.getEnableMultiFactorAuth());
        assertTrue(s.getCreateTime() > 1764547200000L);

        ModifySslVpnServerResponseBody changed = c.modifySslVpnServer(new ModifySslVpnServerRequest()
                .setRegionId(REGION).setSslVpnServerId(id).setCipher("AES-256-CBC").setLocalSubnet("172.16.0.0/12"))
                .getBody();
        assertEquals("AES-256-CBC", changed.getCipher());
        assertEquals("172.16.0.0/12", changed.getLocalSubnet());
        assertEquals(1195, changed.getPort());
        assertEquals(s.getCreateTime(), changed.getCreateTime());

        String cert = c.createSslVpnClientCert(new CreateSslVpnClientCertRequest().setRegionId(REGION)
                .setSslVpnServerId(id)).getBody().getSslVpnClientCertId();
        DeleteSslVpnServerResponseBody gone = c.deleteSslVpnServer(new DeleteSslVpnServerRequest()
                .setRegionId(REGION).setSslVpnServerId(id).setClientToken("java-tea-delete")).getBody();
        assertEquals("RequestId", TeaSdkTest.keys(gone.toMap()));
        assertNull(certName(emu, cert));
        assertEquals(0, c.describeSslVpnServers(new DescribeSslVpnServersRequest().setRegionId(REGION)
                .setSslVpnServerId(id)).getBody().getTotalCount());
    }

    @Test
    void teaGatewaysAndErrors(Emulator emu) throws Exception {
        Client c = TeaSdkTest.client(emu, ROOT_AK, ROOT_SECRET);
        DescribeVpnGatewayResponseBody g = c.describeVpnGateway(new DescribeVpnGatewayRequest().setRegionId(REGION)
                .setVpnGatewayId(FREE_GW)).getBody();
        assertEquals("free", g.getName());
        assertEquals("active", g.getStatus());
        assertEquals(10L, g.getSslMaxConnections().longValue());
        assertEquals(1764547200000L, g.getCreateTime());
        assertEquals(4102444800000L, g.getEndTime());
        assertEquals("team", g.getTags().getTag().get(0).getKey());
        DescribeVpnGatewaysResponseBody tagged = c.describeVpnGateways(new DescribeVpnGatewaysRequest()
                .setRegionId(REGION).setTag(List.of(new DescribeVpnGatewaysRequest.DescribeVpnGatewaysRequestTag()
                        .setKey("team").setValue("vpn")))).getBody();
        assertEquals(1, tagged.getTotalCount());
        assertEquals(FREE_GW, tagged.getVpnGateways().getVpnGateway().get(0).getVpnGatewayId());
        assertEquals(json("{\"RegionId\":\"cn-hangzhou\",\"Tag.1.Key\":\"team\",\"Tag.1.Value\":\"vpn\"}"),
                sent(emu, "DescribeVpnGateways"));

        teaError(() -> c.describeVpnGateway(new DescribeVpnGatewayRequest().setRegionId(REGION)
                .setVpnGatewayId("vpn-bp1doesnotexist000001")), 404, "InvalidVpnGatewayInstanceId.NotFound",
                message("InvalidVpnGatewayInstanceId.NotFound"));
        teaError(() -> c.createSslVpnServer(new CreateSslVpnServerRequest().setRegionId(REGION)
                .setVpnGatewayId(FREE_GW).setClientIpPool("10.8.0.0/16").setLocalSubnet("10.0.0.0/8")),
                400, "InvalidParameter", invalid("ClientIpPool"));
        teaError(() -> c.createSslVpnServer(new CreateSslVpnServerRequest().setRegionId(REGION)
                .setVpnGatewayId(FREE_GW).setClientIpPool("10.8.0.0/16").setLocalSubnet("172.16.0.0/16")
                .setPort(4500)), 400, "InvalidParameter", invalid("Port"));
        teaError(() -> c.createSslVpnServer(new CreateSslVpnServerRequest().setRegionId(REGION)
                .setVpnGatewayId(NOSSL_GW).setClientIpPool("10.8.0.0/16").setLocalSubnet("172.16.0.0/16")),
                400, "VpnGateway.SslVpnDisabled", message("VpnGateway.SslVpnDisabled"));
        teaError(() -> c.createSslVpnServer(new CreateSslVpnServerRequest().setRegionId(REGION)
                .setVpnGatewayId(GATEWAY).setClientIpPool("10.8.0.0/16").setLocalSubnet("172.16.0.0/16")),
                400, "Resource.QuotaFull", message("Resource.QuotaFull"));
        teaError(() -> c.modifySslVpnServer(new ModifySslVpnServerRequest().setRegionId(REGION)
                .setSslVpnServerId("vss-bp1doesnotexist000001").setName("x")), 404,
                "InvalidSslVpnServerId.NotFound", message("InvalidSslVpnServerId.NotFound"));
        teaError(() -> c.deleteSslVpnServer(new DeleteSslVpnServerRequest().setRegionId(REGION)
                .setSslVpnServerId("vss-bp1doesnotexist000001")), 404,
                "InvalidSslVpnServerId.NotFound", message("InvalidSslVpnServerId.NotFound"));
    }

    /** Like Terraform: retry the call while VpnGateway.Configuring; how many were refused. */
    static int retrying(org.junit.jupiter.api.function.Executable call) throws Throwable {
        for (int refused = 0; refused < 200; refused++) {
            try {
                call.execute();
                return refused;
            } catch (TeaException e) {
                assertEquals("VpnGateway.Configuring", e.getCode());
            } catch (ClientException e) {
                assertEquals("VpnGateway.Configuring", e.getErrCode());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("still configuring after 200 attempts");
    }

    @Test
    void teaRetryOnConfiguringSucceedsOnceTheWindowEnds() throws Throwable {
        try (Emulator emu = emulator("servers.json").gatewayBusy(Duration.ofMillis(1500)).start()) {
            Client c = TeaSdkTest.client(emu, ROOT_AK, ROOT_SECRET);
            String id = c.createSslVpnServer(new CreateSslVpnServerRequest().setRegionId(REGION).setVpnGatewayId(FREE_GW)
                    .setClientIpPool("10.8.0.0/16").setLocalSubnet("172.16.0.0/16")).getBody().getSslVpnServerId();
            assertEquals("updating", c.describeVpnGateway(new DescribeVpnGatewayRequest().setRegionId(REGION)
                    .setVpnGatewayId(FREE_GW)).getBody().getStatus());
            int refused = retrying(() -> c.createSslVpnClientCert(new CreateSslVpnClientCertRequest()
                    .setRegionId(REGION).setSslVpnServerId(id)));
            assertTrue(refused >= 1, "the first attempt fell inside the window");
            JsonNode journal = admin(emu, "GET", "requests?action=CreateSslVpnClientCert", null);
            assertEquals(refused + 1, journal.size());
            assertTrue(journal.get(refused).get("Code").isNull());
        }
    }

    // ------------------------------------------------------------------ legacy, JSON and XML

    @ParameterizedTest
    @EnumSource(value = FormatType.class, names = {"JSON", "XML"}, mode = Mode.INCLUDE)
    void legacyServerLifecycle(FormatType f, Emulator emu) throws Exception {
        IAcsClient c = LegacySdkTest.client(ROOT_AK, ROOT_SECRET);
        com.aliyuncs.vpc.model.v20160428.CreateSslVpnServerRequest create = LegacySdkTest.target(emu,
                new com.aliyuncs.vpc.model.v20160428.CreateSslVpnServerRequest(), f, REGION);
        create.setVpnGatewayId(FREE_GW);
        create.setClientIpPool("10.8.0.0/16");
        create.setLocalSubnet("172.16.0.0/16,192.168.100.0/24");
        create.setName("office");
        create.setPort(1195);
        create.setCompress(true);
        create.setEnableMultiFactorAuth(true);
        create.setIDaaSInstanceId("idaas-cn-hangzhou-p1");
        create.setIDaaSRegionId("cn-hangzhou");
        // aliyun-java-sdk-vpc 3.2.4 has no setter for it: the request's own generic one.
        create.putQueryParameter("IDaaSApplicationId", "app_1");
        var made = c.getAcsResponse(create);
        String id = made.getSslVpnServerId();
        assertTrue(SERVER_ID.matcher(id).matches(), id);
        assertEquals("office", made.getName());
        assertTrue(REQUEST_ID.matcher(made.getRequestId()).matches());

        var list = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.DescribeSslVpnServersRequest(),
                f, REGION);
        list.setVpnGatewayId(FREE_GW);
        var page = c.getAcsResponse(list);
        assertEquals(1, page.getTotalCount());
        var s = page.getSslVpnServers().get(0);
        assertEquals(id, s.getSslVpnServerId());
        assertEquals("172.16.0.0/16,192.168.100.0/24", s.getLocalSubnet());
        assertEquals(1195, s.getPort());
        assertEquals("TCP", s.getProto());
        assertEquals(true, s.getCompress());
        assertEquals(true, s.getEnableMultiFactorAuth());
        assertEquals("idaas-cn-hangzhou-p1", s.getIDaaSInstanceId());
        assertEquals("cn-hangzhou", s.getIDaaSRegionId());
        assertEquals(10, s.getMaxConnections());
        assertEquals(0, s.getConnections());
        assertTrue(s.getCreateTime() > 1764547200000L);
        HttpResponse raw = LegacySdkTest.raw(c, list, f, "DescribeSslVpnServersResponse");
        String body = raw.getHttpContentString();
        if (f == FormatType.JSON) {
            JsonNode item = json(body).get("SslVpnServers").get("SslVpnServer").get(0);
            List<String> keys = new ArrayList<>();
            item.fieldNames().forEachRemaining(keys::add);
            List<String> want = new ArrayList<>(SERVER_KEYS.subList(0, SERVER_KEYS.size() - 1));
            want.addAll(List.of("IDaaSInstanceId", "IDaaSRegionId", "IDaaSApplicationId", "ResourceGroupId"));
            assertEquals(want, keys);
            assertTrue(item.get("Port").isInt() && item.get("Compress").isBoolean()
                    && item.get("CreateTime").isIntegralNumber(), item.toString());
        } else {
            assertTrue(body.contains("<SslVpnServers><SslVpnServer><RegionId>cn-hangzhou</RegionId>"), body);
            assertTrue(body.contains("<Compress>true</Compress><CreateTime>"), body);
        }

        var modify = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.ModifySslVpnServerRequest(),
                f, REGION);
        modify.setSslVpnServerId(id);
        modify.setProto("UDP");
        modify.setEnableMultiFactorAuth(false);
        var changed = c.getAcsResponse(modify);
        assertEquals("UDP", changed.getProto());
        assertEquals(false, changed.getEnableMultiFactorAuth());
        assertEquals(id, changed.getSslVpnServerId());

        var delete = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.DeleteSslVpnServerRequest(),
                f, REGION);
        delete.setSslVpnServerId(id);
        assertTrue(REQUEST_ID.matcher(c.getAcsResponse(delete).getRequestId()).matches());
        ClientException e = assertThrows(ClientException.class, () -> c.getAcsResponse(delete));
        assertEquals("InvalidSslVpnServerId.NotFound", e.getErrCode());
        assertEquals(message("InvalidSslVpnServerId.NotFound"), e.getErrMsg());
    }

    @ParameterizedTest
    @EnumSource(value = FormatType.class, names = {"JSON", "XML"}, mode = Mode.INCLUDE)
    void legacyGatewaysAndErrors(FormatType f, Emulator emu) throws Exception {
        IAcsClient c = LegacySdkTest.client(ROOT_AK, ROOT_SECRET);
        var one = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.DescribeVpnGatewayRequest(), f,
                REGION);
        one.setVpnGatewayId(FREE_GW);
        var g = c.getAcsResponse(one);
        assertEquals(FREE_GW, g.getVpnGatewayId());
        assertEquals("free", g.getName());
        assertEquals("enable", g.getSslVpn());
        assertEquals(10L, g.getSslMaxConnections().longValue());
        assertEquals(4102444800000L, g.getEndTime());
        LegacySdkTest.raw(c, one, f, "DescribeVpnGatewayResponse");

        var listed = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.DescribeVpnGatewaysRequest(),
                f, REGION);
        var tag = new com.aliyuncs.vpc.model.v20160428.DescribeVpnGatewaysRequest.Tag();
        tag.setKey("team");
        tag.setValue("vpn");
        listed.setTags(List.of(tag));
        var gateways = c.getAcsResponse(listed);
        assertEquals(1, gateways.getTotalCount());
        assertEquals(FREE_GW, gateways.getVpnGateways().get(0).getVpnGatewayId());
        assertEquals(json("{\"RegionId\":\"cn-hangzhou\",\"Tag.1.Key\":\"team\",\"Tag.1.Value\":\"vpn\"}"),
                sent(emu, "DescribeVpnGateways"));

        var nossl = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.CreateSslVpnServerRequest(), f,
                REGION);
        nossl.setVpnGatewayId(NOSSL_GW);
        nossl.setClientIpPool("10.8.0.0/16");
        nossl.setLocalSubnet("172.16.0.0/16");
        LegacySdkTest.assertError(c, nossl, f, 400, "VpnGateway.SslVpnDisabled");
        nossl.setVpnGatewayId("vpn-bp1doesnotexist000001");
        LegacySdkTest.assertError(c, nossl, f, 404, "InvalidVpnGatewayInstanceId.NotFound");
        nossl.setVpnGatewayId(GATEWAY);
        LegacySdkTest.assertError(c, nossl, f, 400, "Resource.QuotaFull");
        nossl.setVpnGatewayId(FREE_GW);
        nossl.setProto("SCTP");
        ClientException e = assertThrows(ClientException.class, () -> c.getAcsResponse(nossl));
        assertEquals("InvalidParameter", e.getErrCode());
        assertEquals(invalid("Proto"), e.getErrMsg());
    }

    @Test
    void legacyRetryOnConfiguringSucceedsOnceTheWindowEnds() throws Throwable {
        try (Emulator emu = emulator("servers.json").gatewayBusy(Duration.ofMillis(1500)).start()) {
            IAcsClient c = LegacySdkTest.client(ROOT_AK, ROOT_SECRET);
            var create = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.CreateSslVpnServerRequest(),
                    FormatType.JSON, REGION);
            create.setVpnGatewayId(FREE_GW);
            create.setClientIpPool("10.8.0.0/16");
            create.setLocalSubnet("172.16.0.0/16");
            String id = c.getAcsResponse(create).getSslVpnServerId();
            var cert = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.CreateSslVpnClientCertRequest(),
                    FormatType.JSON, REGION);
            cert.setSslVpnServerId(id);
            int refused = retrying(() -> c.getAcsResponse(cert));
            assertTrue(refused >= 1, "the first attempt fell inside the window");
            JsonNode journal = admin(emu, "GET", "requests?action=CreateSslVpnClientCert", null);
            assertEquals(refused + 1, journal.size());
        }
    }
}
