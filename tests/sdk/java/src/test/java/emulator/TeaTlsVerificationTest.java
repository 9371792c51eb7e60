package emulator;

import static emulator.Sdk.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teautil.models.RuntimeOptions;
import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.DescribeRegionsRequest;
import com.aliyun.vpc20160428.models.ModifySslVpnClientCertRequest;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.ProtocolType;
import io.github.aliyunvpcemulator.junit.Emulator;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import org.junit.jupiter.api.Test;

/**
 * What docs/clients.md says of com.aliyun:vpc20160428 3.2.24 over HTTPS: its calls take any
 * server certificate (tea-util 0.2.16's RuntimeOptions starts with ignoreSSL = true, and the
 * runtime, tea 1.2.0, then trusts everything and skips the host name check); a caller who wants
 * the certificate verified passes {@code new RuntimeOptions().setIgnoreSSL(false)} to the
 * {@code *WithOptions} calls and trusts the CA through the JVM's trust store (RuntimeOptions'
 * {@code ca} is not read by that runtime). The runtime keeps one HTTP client per host:port for
 * the whole JVM, made by the first call, so the first call's ignoreSSL decides for every later
 * call to that host:port. The legacy SDK (aliyun-java-sdk-core) verifies by default. Three
 * emulators with TLS, each with a CA of its own, show each case;
 * the class runs in a JVM of its own (surefire's forkCount), as it sets the trust store.
 */
class TeaTlsVerificationTest {
    static Client client(Emulator emu) throws Exception {
        // No protocol: the Tea SDK's default, HTTPS.
        return new Client(new Config().setAccessKeyId(emu.getAccessKeyId()).setAccessKeySecret(emu.getAccessKeySecret())
                .setEndpoint(emu.getEndpoint()).setRegionId(emu.getRegion()));
    }

    static void trust(String pem) throws Exception {
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
    }

    @Test
    void ignoreSslFalseVerifiesAgainstTheJvmTrustStore() throws Exception {
        try (Emulator lax = emulator("ram.json").tls(true).start();
                Emulator untrusted = emulator("ram.json").tls(true).start();
                Emulator trusted = emulator("ram.json").tls(true).start()) {
            RuntimeOptions verify = new RuntimeOptions().setIgnoreSSL(false);
            assertEquals(Boolean.TRUE, new RuntimeOptions().getIgnoreSSL());

            // The default: a certificate that nothing trusts is taken.
            String id = client(lax).describeRegions(new DescribeRegionsRequest()).getBody().getRequestId();
            assertTrue(REQUEST_ID.matcher(id).matches(), id);

            // ignoreSSL false: the JVM's trust store decides, and it does not hold this CA.
            Exception refused = assertThrows(Exception.class,
                    () -> client(untrusted).describeRegionsWithOptions(new DescribeRegionsRequest(), verify));
            assertTrue(TlsTest.causes(refused).contains("PKIX path building failed"), TlsTest.causes(refused));
            assertEquals(0, untrusted.requests().size());
            // RuntimeOptions' ca is not read: the CA given there changes nothing.
            Exception stillRefused = assertThrows(Exception.class, () -> client(untrusted).describeRegionsWithOptions(
                    new DescribeRegionsRequest(), new RuntimeOptions().setIgnoreSSL(false).setCa(untrusted.getCaPem())));
            assertTrue(TlsTest.causes(stillRefused).contains("PKIX path building failed"), TlsTest.causes(stillRefused));
            // The legacy SDK verifies by default: it refuses the same certificate.
            var legacy = LegacySdkTest.target(untrusted, new com.aliyuncs.vpc.model.v20160428.DescribeRegionsRequest(),
                    FormatType.JSON, REGION);
            legacy.setSysProtocol(ProtocolType.HTTPS);
            Exception legacyRefused = assertThrows(Exception.class,
                    () -> LegacySdkTest.client(ROOT_AK, ROOT_SECRET).getAcsResponse(legacy));
            assertTrue(TlsTest.causes(legacyRefused).contains("None of the TrustManagers trust this certificate chain"),
                    TlsTest.causes(legacyRefused));
            assertEquals(0, untrusted.requests().size());

            // The CA in the JVM's trust store, before the first call to that host:port: verified.
            trust(trusted.getCaPem());
            assertEquals("verified", client(trusted).modifySslVpnClientCertWithOptions(new ModifySslVpnClientCertRequest()
                    .setRegionId(REGION).setSslVpnClientCertId(CERT1).setName("verified"), verify).getBody().getName());

            // The first call to lax's host:port made its client without checks; it is kept.
            String later = client(lax).describeRegionsWithOptions(new DescribeRegionsRequest(), verify).getBody().getRequestId();
            assertTrue(REQUEST_ID.matcher(later).matches(), later);
        }
    }
}
