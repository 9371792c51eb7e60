package io.github.aliyunvpcemulator.junit;

import static io.github.aliyunvpcemulator.junit.Api.call;
import static io.github.aliyunvpcemulator.junit.Api.certName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The extension, through sample test classes run by the JUnit engine (the samples are nested
 * static classes, which surefire does not run by itself).
 */
class ExtensionTest {
    static final String CERT1 = "vsc-bp1emulator0000000001";
    /** What the samples saw, in order. */
    static final List<Emulator> SEEN = new ArrayList<>();

    static EngineExecutionResults run(Class<?> sample) {
        SEEN.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    }

    static void assertAllPassed(EngineExecutionResults results, int tests) {
        List<String> failures = results.allEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(TestExecutionResult.class)
                        .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?"))
                .collect(Collectors.toList());
        assertEquals(List.of(), failures);
        assertEquals(tests, results.testEvents().succeeded().count());
    }

    /** The failures of the run's containers and tests, as text. */
    static String failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("?"))
                .collect(Collectors.joining("\n"));
    }

    @VpcEmulatorTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Shared {
        static Emulator fromBeforeAll;
        final Emulator fromConstructor;

        Shared(Emulator emu) {
            fromConstructor = emu;
        }

        @BeforeAll
        static void before(Emulator emu) {
            fromBeforeAll = emu;
        }

        @Test
        @Order(1)
        void renames(Emulator emu) throws Exception {
            SEEN.add(emu);
            assertSame(fromBeforeAll, emu);
            assertSame(fromConstructor, emu);
            assertEquals(200, call(emu, "Action", "ModifySslVpnClientCert", "SslVpnClientCertId", CERT1, "Name", "renamed").status);
        }

        @Test
        @Order(2)
        void seesTheRename(Emulator emu) {
            SEEN.add(emu);
            assertEquals("renamed", certName(emu, CERT1));
            assertEquals(1, emu.requests("ModifySslVpnClientCert").size());
        }
    }

    /** One emulator for the class, shared by its tests and stopped after them. */
    @Test
    void oneEmulatorPerClass() {
        assertAllPassed(run(Shared.class), 2);
        assertEquals(2, SEEN.size());
        assertSame(SEEN.get(0), SEEN.get(1));
        assertEquals(-1, Api.status(SEEN.get(0).getUrl() + "/_emulator/health"));
    }

    @VpcEmulatorTest(resetBeforeEach = true)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Reset {
        @Test
        @Order(1)
        void renames(Emulator emu) throws Exception {
            assertEquals(200, call(emu, "Action", "ModifySslVpnClientCert", "SslVpnClientCertId", CERT1, "Name", "renamed").status);
        }

        @Test
        @Order(2)
        void startsFromTheFixtures(Emulator emu) {
            assertEquals("cert1", certName(emu, CERT1));
            assertEquals(0, emu.requests().size());
        }
    }

    @Test
    void resetBeforeEach() {
        assertAllPassed(run(Reset.class), 2);
    }

    @VpcEmulatorTest(fixtures = "classpath:one-region.json", seed = 42, args = {"--auth", "strict"})
    static class Configured {
        @Test
        void configured(Emulator emu) throws Exception {
            SEEN.add(emu);
            assertEquals("LTAImine", emu.getAccessKeyId());
            assertEquals("IncompleteSignature", call(emu, "Action", "DescribeRegions").body.get("Code"));
        }

        @Nested
        class Inner {
            @Test
            void sharesTheOuterEmulator(Emulator emu) {
                SEEN.add(emu);
            }
        }

        @Nested
        @VpcEmulatorTest(tls = true, gatewayBusyMs = 1500, adminToken = "s3cret")
        class OwnEmulator {
            @Test
            void hasItsOwn(Emulator emu) {
                SEEN.add(emu);
                assertEquals("LTAI5tEmulatorRootKey", emu.getAccessKeyId());
                assertTrue(emu.getUrl().startsWith("https://"));
                assertTrue(emu.getCaPem().startsWith("-----BEGIN CERTIFICATE-----"));
                assertEquals(401, Api.status("http://" + emu.getEndpoint() + "/_emulator/state"));
            }
        }
    }

    /** The attributes reach the emulator; a @Nested class shares it unless it has its own. */
    @Test
    void attributesAndNestedClasses() {
        assertAllPassed(run(Configured.class), 3);
        assertEquals(3, SEEN.size());
        Emulator outer = SEEN.get(0);
        for (Emulator other : SEEN.subList(1, 3)) {
            if (other.getUrl().startsWith("https://")) {
                assertNotSame(outer, other);
                assertNotEquals(outer.getPort(), other.getPort());
            } else {
                assertSame(outer, other);
            }
        }
    }

    @ExtendWith(VpcEmulatorExtension.class)
    static class Plain {
        @Test
        void defaults(Emulator emu) {
            assertEquals("LTAI5tEmulatorRootKey", emu.getAccessKeyId());
            assertEquals("cn-hangzhou", emu.getRegion());
            assertEquals("cert1", certName(emu, CERT1));
        }
    }

    @Test
    void extendWithAlone() {
        assertAllPassed(run(Plain.class), 1);
    }

    @VpcEmulatorTest(fixtures = "/nonexistent/fixtures.json")
    static class CannotStart {
        @Test
        void never(Emulator emu) {
        }
    }

    @Test
    void aFailedStartFailsTheClass() {
        EngineExecutionResults results = run(CannotStart.class);
        assertEquals(0, results.testEvents().started().count());
        String failures = failures(results);
        assertTrue(failures.contains("did not start") && failures.contains("/nonexistent/fixtures.json"), failures);
    }

    @VpcEmulatorTest
    static class Dies {
        @Test
        void killsIt(Emulator emu) throws Exception {
            emu.process().destroyForcibly().waitFor();
        }
    }

    @Test
    void aBadExitFailsTheClass() {
        EngineExecutionResults results = run(Dies.class);
        assertEquals(1, results.testEvents().succeeded().count());
        String failures = failures(results);
        assertTrue(failures.contains("exited with status 137"), failures);
    }
}
