package emulator;

import static emulator.Sdk.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.HttpResponse;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import com.aliyuncs.vpc.model.v20160428.*;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;

/**
 * com.aliyun:aliyun-java-sdk-vpc with aliyun-java-sdk-core: signature V1, answers asked for as
 * JSON and as XML ({@code setSysAcceptFormat}). Each call goes through {@code getAcsResponse}
 * (the typed response, or the SDK's exception) and, for the exact payload and status, through
 * {@code doAction} (the raw answer).
 */
@VpcEmulatorTest(fixtures = "../fixtures/ram.json", seed = 42, resetBeforeEach = true)
class LegacySdkTest {
    static IAcsClient client(String ak, String secret) {
        return new DefaultAcsClient(DefaultProfile.getProfile(REGION, ak, secret));
    }

    static <T extends AcsResponse, R extends AcsRequest<T>> R target(Emulator emu, R request, FormatType format,
            String region) {
        request.setSysEndpoint(emu.getEndpoint());
        request.setSysProtocol(ProtocolType.HTTP);
        request.setSysAcceptFormat(format);
        request.setSysRegionId(region);
        return request;
    }

    /** The raw answer of the same call: its status, and its body checked for the format. */
    static HttpResponse raw(IAcsClient c, AcsRequest<?> request, FormatType format, String root) throws Exception {
        HttpResponse response = c.doAction(request);
        String body = response.getHttpContentString();
        String requestId = response.getHeaderValue("x-acs-request-id");
        assertTrue(REQUEST_ID.matcher(requestId).matches(), requestId);
        if (format == FormatType.XML) {
            assertEquals(FormatType.XML, response.getHttpContentType()); // from text/xml;charset=utf-8
            assertTrue(body.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + root + ">"), body);
            assertTrue(body.contains("<RequestId>" + requestId + "</RequestId>"), body);
        } else {
            assertEquals(FormatType.JSON, response.getHttpContentType());
            assertEquals(requestId, json(body).get("RequestId").asText());
        }
        return response;
    }

    /** A refusal: the SDK's ClientException with the exact code, message and RequestId; the
     * same call's raw answer has the status and the envelope. */
    static ClientException assertError(IAcsClient c, AcsRequest<?> request, FormatType format, int status,
            String code) throws Exception {
        ClientException e = assertThrows(ClientException.class, () -> c.getAcsResponse(request));
        assertEquals(code, e.getErrCode());
        assertTrue(REQUEST_ID.matcher(e.getRequestId()).matches(), e.getRequestId());
        if (!code.equals("SignatureDoesNotMatch")) {
            assertEquals(message(code), e.getErrMsg());
        }
        HttpResponse response = raw(c, request, format, "Error");
        assertEquals(status, response.getStatus());
        String body = response.getHttpContentString();
        if (format == FormatType.JSON) {
            JsonNode envelope = json(body);
            assertEquals(code, envelope.get("Code").asText());
            assertEquals("vpc.aliyuncs.com", envelope.get("HostId").asText());
            String rid = envelope.get("RequestId").asText();
            assertEquals("https://api.aliyun.com/troubleshoot?q=" + code + "&product=Vpc&requestId=" + rid,
                    envelope.get("Recommend").asText());
        } else {
            assertTrue(body.contains("<Code>" + code + "</Code>"), body);
            assertTrue(body.contains("<HostId>vpc.aliyuncs.com</HostId>"), body);
        }
        return e;
    }

    static ModifySslVpnClientCertRequest rename(Emulator emu, FormatType f, String region, String id, String name) {
        ModifySslVpnClientCertRequest r = target(emu, new ModifySslVpnClientCertRequest(), f, region);
        r.setSslVpnClientCertId(id);
        r.setName(name);
        return r;
    }

    @ParameterizedTest
    @EnumSource(value = FormatType.class, names = {"JSON", "XML"}, mode = Mode.INCLUDE)
    void certificateLifecycle(FormatType f, Emulator emu) throws Exception {
        IAcsClient c = client(ROOT_AK, ROOT_SECRET);
        CreateSslVpnClientCertRequest create = target(emu, new CreateSslVpnClientCertRequest(), f, REGION);
        create.setSslVpnServerId(SERVER);
        create.setName("java-legacy");
        CreateSslVpnClientCertResponse created = c.getAcsResponse(create);
        String id = created.getSslVpnClientCertId();
        assertTrue(CERT_ID.matcher(id).matches(), id);
        assertEquals("java-legacy", created.getName());
        assertTrue(REQUEST_ID.matcher(created.getRequestId()).matches());

        DescribeSslVpnClientCertRequest describe = target(emu, new DescribeSslVpnClientCertRequest(), f, REGION);
        describe.setSslVpnClientCertId(id);
        DescribeSslVpnClientCertResponse d = c.getAcsResponse(describe);
        assertEquals(id, d.getSslVpnClientCertId());
        assertEquals(SERVER, d.getSslVpnServerId());
        assertEquals(REGION, d.getRegionId());
        assertEquals("normal", d.getStatus());
        assertEquals(1095L * 24 * 3600 * 1000, d.getEndTime() - d.getCreateTime());
        Material.check(id, d.getCaCert(), d.getClientCert(), d.getClientKey(), d.getCreateTime(), d.getEndTime(),
                d.getClientConfig());
        HttpResponse rawDescribe = raw(c, describe, f, "DescribeSslVpnClientCertResponse");
        if (f == FormatType.JSON) {
            assertEquals("rg-acfmemulator01", json(rawDescribe.getHttpContentString()).get("ResourceGroupId").asText());
        }

        DescribeSslVpnClientCertsRequest list = target(emu, new DescribeSslVpnClientCertsRequest(), f, REGION);
        list.setSslVpnServerId(SERVER);
        list.setPageNumber(2);
        list.setPageSize(2);
        DescribeSslVpnClientCertsResponse page = c.getAcsResponse(list);
        assertEquals(3, page.getTotalCount());
        assertEquals(2, page.getPageNumber());
        assertEquals(2, page.getPageSize());
        assertEquals(1, page.getSslVpnClientCertKeys().size());
        assertEquals(id, page.getSslVpnClientCertKeys().get(0).getSslVpnClientCertId());
        assertEquals("java-legacy", page.getSslVpnClientCertKeys().get(0).getName());
        raw(c, list, f, "DescribeSslVpnClientCertsResponse");

        ModifySslVpnClientCertResponse renamed = c.getAcsResponse(rename(emu, f, REGION, id, "renamed é"));
        assertEquals("renamed é", renamed.getName());
        assertEquals(id, renamed.getSslVpnClientCertId());
        assertEquals("renamed é", certName(emu, id));

        DeleteSslVpnClientCertRequest delete = target(emu, new DeleteSslVpnClientCertRequest(), f, REGION);
        delete.setSslVpnClientCertId(id);
        assertTrue(REQUEST_ID.matcher(c.getAcsResponse(delete).getRequestId()).matches());
        assertEquals(null, certName(emu, id));
        assertError(c, describe, f, 404, "InvalidSslVpnClientCertId.NotFound");
    }

    @ParameterizedTest
    @EnumSource(value = FormatType.class, names = {"JSON", "XML"}, mode = Mode.INCLUDE)
    void everyDocumentedErrorOfModify(FormatType f, Emulator emu) throws Exception {
        IAcsClient root = client(ROOT_AK, ROOT_SECRET);
        assertError(root, rename(emu, f, REGION, CERT1, "a".repeat(101)), f, 400, "InvalidName");
        assertError(root, rename(emu, f, REGION, CERT1, "https://x"), f, 400, "InvalidName");
        assertError(root, rename(emu, f, REGION, UNKNOWN_CERT, "x"), f, 404, "InvalidSslVpnClientCertId.NotFound");
        assertError(root, rename(emu, f, UNKNOWN_REGION, CERT1, "x"), f, 404, "InvalidRegionId.NotFound");
        ClientException denied = assertError(client(READONLY_AK, READONLY_SECRET), rename(emu, f, REGION, CERT1, "x"),
                f, 403, "Forbidden");
        checkDenied(denied, f, "readonly");
        IAcsClient ops = client(OPS_AK, OPS_SECRET);
        denied = assertError(ops, rename(emu, f, REGION, CERT2, "x"), f, 403, "Forbbiden.SubUser");
        checkDenied(denied, f, "ops");
        assertEquals("by-ops", ops.getAcsResponse(rename(emu, f, REGION, CERT1, "by-ops")).getName());
        assertEquals("cert2", certName(emu, CERT2));
    }

    static void checkDenied(ClientException e, FormatType f, String user) {
        assertTrue(e.getAccessDeniedDetail() != null, f + ": no AccessDeniedDetail");
        assertEquals("vpc:ModifySslVpnClientCert", e.getAccessDeniedDetail().get("AuthAction"));
        assertEquals(user, e.getAccessDeniedDetail().get("AuthPrincipalDisplayName"));
        assertEquals(ACCOUNT, e.getAccessDeniedDetail().get("AuthPrincipalOwnerId"));
    }

    @ParameterizedTest
    @EnumSource(value = FormatType.class, names = {"JSON", "XML"}, mode = Mode.INCLUDE)
    void clientTokenReplayAndMismatch(FormatType f, Emulator emu) throws Exception {
        IAcsClient c = client(ROOT_AK, ROOT_SECRET);
        String token = "java-legacy-" + f;
        CreateSslVpnClientCertRequest once = target(emu, new CreateSslVpnClientCertRequest(), f, REGION);
        once.setSslVpnServerId(SERVER);
        once.setName("once");
        once.setClientToken(token);
        CreateSslVpnClientCertResponse first = c.getAcsResponse(once);
        CreateSslVpnClientCertResponse again = c.getAcsResponse(once);
        assertEquals(first.getSslVpnClientCertId(), again.getSslVpnClientCertId());
        assertNotEquals(first.getRequestId(), again.getRequestId());
        CreateSslVpnClientCertRequest other = target(emu, new CreateSslVpnClientCertRequest(), f, REGION);
        other.setSslVpnServerId(SERVER);
        other.setName("other");
        other.setClientToken(token);
        assertError(c, other, f, 400, "IdempotentParameterMismatch");
        ModifySslVpnClientCertRequest tok = rename(emu, f, REGION, CERT1, "tok");
        tok.setClientToken(token);
        c.getAcsResponse(tok);
        ModifySslVpnClientCertRequest tok2 = rename(emu, f, REGION, CERT1, "tok2");
        tok2.setClientToken(token);
        assertError(c, tok2, f, 400, "IdempotentParameterMismatch");
        assertEquals("tok", certName(emu, CERT1));
    }

    @ParameterizedTest
    @EnumSource(value = FormatType.class, names = {"JSON", "XML"}, mode = Mode.INCLUDE)
    void describeRegionsInBothLanguages(FormatType f, Emulator emu) throws Exception {
        IAcsClient c = client(ROOT_AK, ROOT_SECRET);
        for (String[] lang : new String[][] {{"en-US", "China (Hangzhou)"}, {"zh-CN", "华东1（杭州）"}, {null, "华东1（杭州）"}}) {
            DescribeRegionsRequest regions = target(emu, new DescribeRegionsRequest(), f, REGION);
            if (lang[0] != null) {
                regions.setAcceptLanguage(lang[0]);
            }
            DescribeRegionsResponse r = c.getAcsResponse(regions);
            assertEquals(27, r.getRegions().size());
            var hangzhou = r.getRegions().stream().filter(x -> x.getRegionId().equals(REGION)).findFirst().orElseThrow();
            assertEquals(lang[1], hangzhou.getLocalName());
            assertEquals("vpc.aliyuncs.com", hangzhou.getRegionEndpoint());
            raw(c, regions, f, "DescribeRegionsResponse");
        }
    }

    @ParameterizedTest
    @EnumSource(value = FormatType.class, names = {"JSON", "XML"}, mode = Mode.INCLUDE)
    void wrongSecretIsSignatureDoesNotMatch(FormatType f, Emulator emu) throws Exception {
        IAcsClient c = client(ROOT_AK, "NotTheRootSecret");
        ClientException e = assertThrows(ClientException.class,
                () -> c.getAcsResponse(rename(emu, f, REGION, CERT1, "never")));
        // The SDK compares the server's string to sign with its own and reports a wrong
        // secret only when the two are equal byte for byte.
        assertEquals("SDK.InvalidAccessKeySecret", e.getErrCode(), e.getErrCode() + ": " + e.getErrMsg());
        HttpResponse response = c.doAction(rename(emu, f, REGION, CERT1, "never"));
        assertEquals(400, response.getStatus());
        String body = response.getHttpContentString();
        assertTrue(body.contains("SignatureDoesNotMatch"), body);
        assertTrue(body.contains(SIGNATURE_PREFIX + "POST&amp;%2F&amp;") || body.contains(SIGNATURE_PREFIX + "POST&%2F&"),
                body);
        assertEquals("cert1", certName(emu, CERT1));
    }
}
