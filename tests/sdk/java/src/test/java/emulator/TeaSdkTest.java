package emulator;

import static emulator.Sdk.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.*;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** com.aliyun:vpc20160428, the Tea SDK: ACS3-HMAC-SHA256 signatures by default. */
@VpcEmulatorTest(fixtures = "../fixtures/ram.json", seed = 42, resetBeforeEach = true)
class TeaSdkTest {
    static Client client(Emulator emu, String ak, String secret) throws Exception {
        return new Client(new Config().setAccessKeyId(ak).setAccessKeySecret(secret)
                .setEndpoint(emu.getEndpoint()).setProtocol("HTTP").setRegionId(REGION));
    }

    static String keys(Map<String, ?> map) {
        return String.join(",", new TreeSet<>(map.keySet()));
    }

    static String sorted(String... names) {
        return String.join(",", new TreeSet<>(List.of(names)));
    }

    /** The SDK's own exception, with the exact code, status, message and RequestId. */
    static TeaException assertError(Executable call, int status, String code) {
        TeaException e = assertThrows(TeaException.class, call);
        assertEquals(code, e.getCode());
        Map<String, Object> body = body(e);
        Object statusCode = e.getStatusCode() != null ? e.getStatusCode() : e.getData().get("statusCode");
        assertEquals(status, ((Number) statusCode).intValue());
        String requestId = (String) body.get("RequestId");
        assertTrue(REQUEST_ID.matcher(requestId).matches(), requestId);
        assertEquals(sorted("RequestId", "HostId", "Code", "Message", "Recommend"), keys(envelope(body)));
        assertEquals(code, body.get("Code"));
        assertEquals("vpc.aliyuncs.com", body.get("HostId"));
        assertEquals("https://api.aliyun.com/troubleshoot?q=" + code + "&product=Vpc&requestId=" + requestId,
                body.get("Recommend"));
        if (!code.equals("SignatureDoesNotMatch")) {
            assertEquals(message(code), body.get("Message"));
            assertEquals("code: " + status + ", " + message(code) + " request id: " + requestId, e.getMessage());
        }
        return e;
    }

    /** The error body as the exception keeps it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> body(TeaException e) {
        Object nested = e.getData().get("data");
        return nested instanceof Map ? (Map<String, Object>) nested : e.getData();
    }

    /** The envelope's keys but AccessDeniedDetail, less the statusCode the SDK adds. */
    static Map<String, Object> envelope(Map<String, Object> body) {
        Map<String, Object> copy = new java.util.HashMap<>(body);
        copy.remove("AccessDeniedDetail");
        copy.remove("statusCode");
        return copy;
    }

    @Test
    void certificateLifecycle(Emulator emu) throws Exception {
        Client c = client(emu, ROOT_AK, ROOT_SECRET);
        CreateSslVpnClientCertResponse created = c.createSslVpnClientCert(new CreateSslVpnClientCertRequest()
                .setRegionId(REGION).setSslVpnServerId(SERVER).setName("java-tea"));
        assertEquals(200, created.getStatusCode());
        assertEquals(sorted("RequestId", "Name", "SslVpnClientCertId"), keys(created.getBody().toMap()));
        String id = created.getBody().getSslVpnClientCertId();
        assertTrue(CERT_ID.matcher(id).matches(), id);
        assertEquals("java-tea", created.getBody().getName());
        assertEquals(created.getBody().getRequestId(), created.getHeaders().get("x-acs-request-id"));

        DescribeSslVpnClientCertResponseBody d = c.describeSslVpnClientCert(new DescribeSslVpnClientCertRequest()
                .setRegionId(REGION).setSslVpnClientCertId(id)).getBody();
        assertEquals(sorted("RequestId", "RegionId", "SslVpnClientCertId", "SslVpnServerId", "Name", "CaCert",
                "ClientCert", "ClientKey", "ClientConfig", "CreateTime", "EndTime", "Status"),
                keys(d.toMap())); // this SDK's model has no ResourceGroupId (the emulator sends it)
        assertEquals("normal", d.getStatus());
        assertEquals(1095L * 24 * 3600 * 1000, d.getEndTime() - d.getCreateTime());
        Material.check(id, d.getCaCert(), d.getClientCert(), d.getClientKey(), d.getCreateTime(), d.getEndTime(),
                d.getClientConfig());

        DescribeSslVpnClientCertsResponseBody page = c.describeSslVpnClientCerts(new DescribeSslVpnClientCertsRequest()
                .setRegionId(REGION).setSslVpnServerId(SERVER).setPageNumber(2).setPageSize(2)).getBody();
        assertEquals(sorted("RequestId", "TotalCount", "PageNumber", "PageSize", "SslVpnClientCertKeys"),
                keys(page.toMap()));
        assertEquals(3, page.getTotalCount());
        assertEquals(2, page.getPageNumber());
        assertEquals(2, page.getPageSize());
        var items = page.getSslVpnClientCertKeys().getSslVpnClientCertKey();
        assertEquals(1, items.size());
        assertEquals(id, items.get(0).getSslVpnClientCertId());
        assertEquals(sorted("RegionId", "SslVpnClientCertId", "SslVpnServerId", "Name", "CreateTime", "EndTime",
                "Status"), keys(items.get(0).toMap()));

        ModifySslVpnClientCertResponseBody renamed = c.modifySslVpnClientCert(new ModifySslVpnClientCertRequest()
                .setRegionId(REGION).setSslVpnClientCertId(id).setName("renamed é")).getBody();
        assertEquals(sorted("RequestId", "Name", "SslVpnClientCertId"), keys(renamed.toMap()));
        assertEquals("renamed é", renamed.getName());
        assertEquals("renamed é", certName(emu, id));

        DeleteSslVpnClientCertResponseBody deleted = c.deleteSslVpnClientCert(new DeleteSslVpnClientCertRequest()
                .setRegionId(REGION).setSslVpnClientCertId(id)).getBody();
        assertEquals("RequestId", keys(deleted.toMap()));
        assertError(() -> c.describeSslVpnClientCert(new DescribeSslVpnClientCertRequest()
                .setRegionId(REGION).setSslVpnClientCertId(id)), 404, "InvalidSslVpnClientCertId.NotFound");
    }

    static ModifySslVpnClientCertRequest rename(String region, String id, String name) {
        return new ModifySslVpnClientCertRequest().setRegionId(region).setSslVpnClientCertId(id).setName(name);
    }

    @Test
    void everyDocumentedErrorOfModify(Emulator emu) throws Exception {
        Client root = client(emu, ROOT_AK, ROOT_SECRET);
        assertError(() -> root.modifySslVpnClientCert(rename(REGION, CERT1, "a".repeat(101))), 400, "InvalidName");
        assertError(() -> root.modifySslVpnClientCert(rename(REGION, CERT1, "http://x")), 400, "InvalidName");
        assertError(() -> root.modifySslVpnClientCert(rename(REGION, UNKNOWN_CERT, "x")), 404,
                "InvalidSslVpnClientCertId.NotFound");
        assertError(() -> root.modifySslVpnClientCert(rename(UNKNOWN_REGION, CERT1, "x")), 404,
                "InvalidRegionId.NotFound");

        Client readonly = client(emu, READONLY_AK, READONLY_SECRET);
        TeaException denied = assertError(() -> readonly.modifySslVpnClientCert(rename(REGION, CERT1, "x")), 403,
                "Forbidden");
        checkDenied(denied, "readonly");
        Client ops = client(emu, OPS_AK, OPS_SECRET);
        denied = assertError(() -> ops.modifySslVpnClientCert(rename(REGION, CERT2, "x")), 403, "Forbbiden.SubUser");
        checkDenied(denied, "ops");
        assertEquals("by-ops", ops.modifySslVpnClientCert(rename(REGION, CERT1, "by-ops")).getBody().getName());
        assertEquals("by-ops", certName(emu, CERT1));
        assertEquals("cert2", certName(emu, CERT2));
    }

    @SuppressWarnings("unchecked")
    static void checkDenied(TeaException e, String user) {
        Map<String, Object> body = body(e);
        Map<String, Object> detail = (Map<String, Object>) body.get("AccessDeniedDetail");
        assertEquals("vpc:ModifySslVpnClientCert", detail.get("AuthAction"));
        assertEquals("SubUser", detail.get("AuthPrincipalType"));
        assertEquals(user, detail.get("AuthPrincipalDisplayName"));
        assertEquals(ACCOUNT, detail.get("AuthPrincipalOwnerId"));
        assertEquals("ImplicitDeny", detail.get("NoPermissionType"));
        assertEquals("AccountLevelIdentityBasedPolicy", detail.get("PolicyType"));
    }

    @Test
    void clientTokenReplayAndMismatch(Emulator emu) throws Exception {
        Client c = client(emu, ROOT_AK, ROOT_SECRET);
        CreateSslVpnClientCertRequest once = new CreateSslVpnClientCertRequest().setRegionId(REGION)
                .setSslVpnServerId(SERVER).setName("once").setClientToken("java-tea-token");
        var first = c.createSslVpnClientCert(once).getBody();
        var again = c.createSslVpnClientCert(once).getBody();
        assertEquals(first.getSslVpnClientCertId(), again.getSslVpnClientCertId());
        assertNotEquals(first.getRequestId(), again.getRequestId());
        assertError(() -> c.createSslVpnClientCert(new CreateSslVpnClientCertRequest().setRegionId(REGION)
                .setSslVpnServerId(SERVER).setName("other").setClientToken("java-tea-token")), 400,
                "IdempotentParameterMismatch");
        c.modifySslVpnClientCert(rename(REGION, CERT1, "tok").setClientToken("java-tea-token"));
        assertError(() -> c.modifySslVpnClientCert(rename(REGION, CERT1, "tok2").setClientToken("java-tea-token")),
                400, "IdempotentParameterMismatch");
        assertEquals("tok", certName(emu, CERT1));
        assertEquals(3, c.describeSslVpnClientCerts(new DescribeSslVpnClientCertsRequest().setRegionId(REGION))
                .getBody().getTotalCount());
    }

    @Test
    void describeRegionsInBothLanguages(Emulator emu) throws Exception {
        Client c = client(emu, ROOT_AK, ROOT_SECRET);
        for (String[] lang : new String[][] {{"en-US", "China (Hangzhou)"}, {"zh-CN", "华东1（杭州）"}, {null, "华东1（杭州）"}}) {
            DescribeRegionsResponseBody body = c.describeRegions(new DescribeRegionsRequest().setAcceptLanguage(lang[0]))
                    .getBody();
            assertEquals(sorted("RequestId", "Regions"), keys(body.toMap()));
            var regions = body.getRegions().getRegion();
            assertEquals(27, regions.size());
            var hangzhou = regions.stream().filter(r -> r.getRegionId().equals(REGION)).findFirst().orElseThrow();
            assertEquals(lang[1], hangzhou.getLocalName());
            assertEquals("vpc.aliyuncs.com", hangzhou.getRegionEndpoint());
            assertEquals(sorted("RegionId", "LocalName", "RegionEndpoint"), keys(hangzhou.toMap()));
        }
    }

    @Test
    void wrongSecretIsSignatureDoesNotMatch(Emulator emu) throws Exception {
        Client c = client(emu, ROOT_AK, "NotTheRootSecret");
        TeaException e = assertError(() -> c.modifySslVpnClientCert(rename(REGION, CERT1, "never")), 400,
                "SignatureDoesNotMatch");
        Map<String, Object> body = body(e);
        assertTrue(((String) body.get("Message")).startsWith(SIGNATURE_PREFIX + "ACS3-HMAC-SHA256\n"),
                (String) body.get("Message"));
        assertEquals("cert1", certName(emu, CERT1));
    }
}
