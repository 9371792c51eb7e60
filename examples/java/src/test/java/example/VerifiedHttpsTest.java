package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teautil.models.RuntimeOptions;
import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.DescribeRegionsRequest;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Tea SDK over HTTPS with the certificate verified. com.aliyun:vpc20160428 3.2.24 takes any
 * certificate unless a call is given RuntimeOptions with ignoreSSL false; then the JVM's trust
 * store decides, so the emulator's CA goes there before the first call to the emulator.
 */
@VpcEmulatorTest(tls = true)
class VerifiedHttpsTest {
    @BeforeAll
    static void trustTheEmulatorCa(Emulator emu) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("vpc-emulator", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(emu.getCaPem().getBytes(StandardCharsets.US_ASCII))));
        Path file = Files.createTempFile("vpc-emulator-ca", ".p12");
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            store.store(out, "changeit".toCharArray());
        }
        System.setProperty("javax.net.ssl.trustStore", file.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    @Test
    void describesRegionsOverVerifiedHttps(Emulator emu) throws Exception {
        Client client = new Client(new Config().setAccessKeyId(emu.getAccessKeyId())
                .setAccessKeySecret(emu.getAccessKeySecret()).setEndpoint(emu.getEndpoint())
                .setRegionId(emu.getRegion())); // no protocol: HTTPS, the Tea SDK's default
        RuntimeOptions verify = new RuntimeOptions().setIgnoreSSL(false);
        client.describeRegionsWithOptions(new DescribeRegionsRequest(), verify);
        assertEquals(1, emu.requests("DescribeRegions").size());
    }
}
