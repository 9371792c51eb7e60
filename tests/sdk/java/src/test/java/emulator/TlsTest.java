package emulator;

import static emulator.Sdk.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.ModifySslVpnClientCertRequest;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.ProtocolType;
import io.github.aliyunvpcemulator.junit.Emulator;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import org.junit.jupiter.api.Test;

/**
 * HTTPS with --tls (issue 17): both Java SDKs with only the endpoint and the emulator's CA
 * given, the CA in the JVM's trust store (javax.net.ssl.trustStore, set before any TLS use: the
 * class runs in a JVM of its own). The Tea SDK keeps its default protocol, HTTPS; the legacy
 * SDK defaults to HTTP, so a user of an HTTPS endpoint says HTTPS.
 */
class TlsTest {
    /** An exception and all its causes, as text. */
    static String causes(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.append(t).append(" <- ");
        }
        return out.toString();
    }

    @Test
    void bothSdksOverHttpsWithTheCa() throws Exception {
        try (Emulator emu = emulator("ram.json").tls(true).start()) {
            String pem = emu.getCaPem();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("emulator", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
            Path file = Files.createTempFile("emulator-ca", ".p12");
            try (FileOutputStream out = new FileOutputStream(file.toFile())) {
                store.store(out, "changeit".toCharArray());
            }
            System.setProperty("javax.net.ssl.trustStore", file.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

            Client tea = new Client(new com.aliyun.teaopenapi.models.Config().setAccessKeyId(ROOT_AK)
                    .setAccessKeySecret(ROOT_SECRET).setEndpoint(emu.getEndpoint()).setRegionId(REGION));
            assertEquals("java-tea-https", tea.modifySslVpnClientCert(new ModifySslVpnClientCertRequest()
                    .setRegionId(REGION).setSslVpnClientCertId(CERT1).setName("java-tea-https")).getBody().getName());

            IAcsClient legacy = LegacySdkTest.client(ROOT_AK, ROOT_SECRET);
            var req = LegacySdkTest.target(emu, new com.aliyuncs.vpc.model.v20160428.ModifySslVpnClientCertRequest(),
                    FormatType.JSON, REGION);
            req.setSysProtocol(ProtocolType.HTTPS);
            req.setSslVpnClientCertId(CERT1);
            req.setName("java-legacy-https");
            assertEquals("java-legacy-https", legacy.getAcsResponse(req).getName());
            assertTrue(admin(emu, "GET", "requests?limit=2", null).toString().contains("java-tea-https"));
        }
        // Against a server without --tls both clients fail with a TLS error: what they send is
        // TLS (the --tls server below would answer plain HTTP too, so its success alone would
        // not show it). vpc20160428 3.2.24 accepted the emulator's certificate even before the
        // CA was trusted, so a refusal without the CA cannot show it for the Tea client.
        try (Emulator plain = emulator("ram.json").start()) {
            Client tea = new Client(new com.aliyun.teaopenapi.models.Config().setAccessKeyId(ROOT_AK)
                    .setAccessKeySecret(ROOT_SECRET).setEndpoint(plain.getEndpoint()).setRegionId(REGION));
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> tea.describeRegions(new com.aliyun.vpc20160428.models.DescribeRegionsRequest()));
            assertTrue(causes(e).contains("SSL"), causes(e));
            var req = LegacySdkTest.target(plain, new com.aliyuncs.vpc.model.v20160428.DescribeRegionsRequest(),
                    FormatType.JSON, REGION);
            req.setSysProtocol(ProtocolType.HTTPS);
            Exception legacy = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> LegacySdkTest.client(ROOT_AK, ROOT_SECRET).getAcsResponse(req));
            assertTrue(causes(legacy).contains("SSL"), causes(legacy));
        }
    }
}
