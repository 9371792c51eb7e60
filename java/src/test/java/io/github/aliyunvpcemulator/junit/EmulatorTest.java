package io.github.aliyunvpcemulator.junit;

import static io.github.aliyunvpcemulator.junit.Api.call;
import static io.github.aliyunvpcemulator.junit.Api.certName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** Emulator.builder() against the real binary ($VPC_EMULATOR_BIN, else PATH). */
class EmulatorTest {
    static final String CERT1 = "vsc-bp1emulator0000000001";

    @Test
    void theDefaults() throws Exception {
        try (Emulator emu = Emulator.builder().start()) {
            assertTrue(emu.getEndpoint().matches("127\\.0\\.0\\.1:[1-9][0-9]*"), emu.getEndpoint());
            assertEquals("http://" + emu.getEndpoint(), emu.getUrl());
            assertEquals("127.0.0.1:" + emu.getPort(), emu.getEndpoint());
            assertEquals("LTAI5tEmulatorRootKey", emu.getAccessKeyId());
            assertEquals("EmulatorRootSecret", emu.getAccessKeySecret());
            assertEquals("cn-hangzhou", emu.getRegion());
            Api.Answer regions = call(emu, "Action", "DescribeRegions");
            assertEquals(200, regions.status, regions.toString());
            assertEquals("cert1", certName(emu, CERT1));
            assertThrows(IllegalStateException.class, emu::getCaPem);
        }
    }

    @Test
    void requestsStateAndReset() throws Exception {
        try (Emulator emu = Emulator.builder().start()) {
            assertEquals(200, call(emu, "Action", "ModifySslVpnClientCert", "SslVpnClientCertId", CERT1, "Name", "renamed").status);
            assertEquals(200, call(emu, "Action", "DescribeRegions").status);
            List<Map<String, Object>> all = emu.requests();
            assertEquals(2, all.size(), all.toString());
            Map<String, Object> modify = all.get(0);
            assertEquals("ModifySslVpnClientCert", modify.get("Action"));
            assertEquals("renamed", ((Map<?, ?>) modify.get("Params")).get("Name"));
            assertEquals(200L, modify.get("HttpStatus"));
            assertEquals(null, modify.get("Code"));
            assertEquals("1000000000000001", modify.get("AccountId"));
            assertEquals("DescribeRegions", all.get(1).get("Action"));
            assertEquals(1, emu.requests("DescribeRegions").size());
            assertEquals("DescribeRegions", emu.requests("DescribeRegions").get(0).get("Action"));
            assertEquals("renamed", certName(emu, CERT1));

            emu.reset();
            assertEquals("cert1", certName(emu, CERT1));
            assertEquals(0, emu.requests().size());
            call(emu, "Action", "DescribeRegions");
            emu.clearRequests();
            assertEquals(0, emu.requests().size());

            String state = emu.admin("GET", "state", null).replace("\"cert1\"", "\"put\"");
            emu.putState(state);
            assertEquals("put", certName(emu, CERT1));
        }
    }

    /** A fixtures document with its own root key, in strict mode. */
    @Test
    void fixturesJsonAndArgs() throws Exception {
        String doc = new String(EmulatorTest.class.getResourceAsStream("/one-region.json").readAllBytes(), StandardCharsets.UTF_8);
        try (Emulator emu = Emulator.builder().fixturesJson(doc).args("--auth", "strict").start()) {
            assertEquals("LTAImine", emu.getAccessKeyId());
            assertEquals("mine", emu.getAccessKeySecret());
            assertEquals(1, ((List<?>) emu.state().get("Regions")).size());
            Api.Answer unsigned = call(emu, "Action", "DescribeRegions");
            assertEquals(400, unsigned.status);
            assertEquals("IncompleteSignature", unsigned.body.get("Code"));
            emu.reset();
            assertEquals(1, ((List<?>) emu.state().get("Regions")).size());
        }
    }

    @Test
    void regionAndAccessKey() {
        try (Emulator emu = Emulator.builder().region("cn-shanghai").accessKey("LTAI5tEmulatorReadOnly", "EmulatorReadOnlySecret").start()) {
            assertEquals("cn-shanghai", emu.getRegion());
            assertEquals("LTAI5tEmulatorReadOnly", emu.getAccessKeyId());
            assertEquals("EmulatorReadOnlySecret", emu.getAccessKeySecret());
        }
    }

    @Test
    void fixturesFile() throws Exception {
        Path file = Files.createTempFile("fixtures", ".json");
        try (Emulator first = Emulator.builder().start()) {
            Files.write(file, first.admin("GET", "state", null).replace("\"cert1\"", "\"from-file\"").getBytes(StandardCharsets.UTF_8));
        }
        try (Emulator emu = Emulator.builder().fixtures(file).start()) {
            assertEquals("from-file", certName(emu, CERT1));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void seed() throws Exception {
        String[] ids = new String[3];
        long[] seeds = {42, 42, 43};
        for (int i = 0; i < 3; i++) {
            try (Emulator emu = Emulator.builder().seed(seeds[i]).start()) {
                ids[i] = (String) call(emu, "Action", "DescribeRegions").body.get("RequestId");
            }
        }
        assertEquals(ids[0], ids[1]);
        assertNotEquals(ids[0], ids[2]);
    }

    @Test
    void tls() throws Exception {
        try (Emulator emu = Emulator.builder().tls(true).start()) {
            assertEquals("https://" + emu.getEndpoint(), emu.getUrl());
            String pem = emu.getCaPem();
            assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"), pem);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("emulator", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            Api.Answer over = call(emu.getUrl(), context.getSocketFactory(), "Action", "DescribeRegions");
            assertEquals(200, over.status, over.toString());
            // The JVM's own trust store does not know the emulator's CA.
            IOException refused = assertThrows(IOException.class,
                    () -> call(emu.getUrl(), SSLContext.getDefault().getSocketFactory(), "Action", "DescribeRegions"));
            assertTrue(refused.toString().contains("PKIX"), refused.toString());
        }
    }

    /** The busy window and the clock; a fault answers its error once. */
    @Test
    void gatewayBusyClockAndFaults() throws Exception {
        try (Emulator emu = Emulator.builder().gatewayBusy(Duration.ofMillis(1500)).start()) {
            String[] create = {"Action", "CreateSslVpnClientCert", "SslVpnServerId", "vss-bp1emulator0000000001", "Name", "one"};
            assertEquals(200, call(emu, create).status);
            create[5] = "two";
            Api.Answer busy = call(emu, create);
            assertEquals(400, busy.status);
            assertEquals("VpnGateway.Configuring", busy.body.get("Code"));
            emu.advanceClock(2);
            assertEquals(200, call(emu, create).status);

            emu.addFault("DescribeRegions", "Forbidden", 1);
            Api.Answer faulted = call(emu, "Action", "DescribeRegions");
            assertEquals(403, faulted.status);
            assertEquals("Forbidden", faulted.body.get("Code"));
            assertEquals(200, call(emu, "Action", "DescribeRegions").status);
            emu.addFault("{\"Action\": \"*\", \"Code\": \"Forbidden\", \"Count\": 5}");
            emu.clearFaults();
            assertEquals(200, call(emu, "Action", "DescribeRegions").status);
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> emu.addFault("{\"Action\": \"*\"}"));
            assertTrue(refused.getMessage().startsWith("aliyun-vpc-emulator: POST /_emulator/faults: 400 {\"error\":"), refused.getMessage());
        }
    }

    @Test
    void adminToken() throws Exception {
        try (Emulator emu = Emulator.builder().adminToken("s3cret").start()) {
            assertEquals("cert1", certName(emu, CERT1));
            assertEquals(401, Api.status(emu.getUrl() + "/_emulator/state"));
        }
    }

    @Test
    void noBinaryNamesBothPlaces() throws Exception {
        Path empty = Files.createTempDirectory("empty");
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> Emulator.findBinary(null, null, empty.toString()));
        assertTrue(none.getMessage().contains("VPC_EMULATOR_BIN is not set and aliyun-vpc-emulator is not on PATH"), none.getMessage());
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> Emulator.findBinary(null, "/nonexistent/aliyun-vpc-emulator", empty.toString()));
        assertTrue(wrong.getMessage().contains("/nonexistent/aliyun-vpc-emulator (VPC_EMULATOR_BIN)"), wrong.getMessage());
        IllegalStateException explicit = assertThrows(IllegalStateException.class,
                () -> Emulator.builder().binary(Paths.get("/nonexistent/bin")).start());
        assertTrue(explicit.getMessage().contains("/nonexistent/bin"), explicit.getMessage());
        Files.delete(empty);
    }

    @Test
    void aFailedStartShowsTheLog() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Emulator.builder().fixtures(Paths.get("/nonexistent/fixtures.json")).start());
        for (String want : new String[] {"did not start", "exited with status 2", "/nonexistent/fixtures.json"}) {
            assertTrue(e.getMessage().contains(want), e.getMessage());
        }
    }

    /** close() stops the process; one that died on its own is reported with its log. */
    @Test
    void closeStopsAndReports() throws Exception {
        Emulator clean = Emulator.builder().start();
        String url = clean.getUrl();
        clean.close();
        assertEquals(-1, Api.status(url + "/_emulator/health"));

        Emulator killed = Emulator.builder().start();
        call(killed, "Action", "DescribeRegions");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!killed.logs().contains("DescribeRegions")) {
            assertTrue(System.nanoTime() < deadline, "no log line for the call: " + killed.logs());
            Thread.sleep(10);
        }
        killed.process().destroyForcibly().waitFor();
        IllegalStateException e = assertThrows(IllegalStateException.class, killed::close);
        assertTrue(e.getMessage().contains("exited with status 137"), e.getMessage());
        assertTrue(e.getMessage().contains("DescribeRegions"), e.getMessage());
    }
}
