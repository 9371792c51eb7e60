package emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.aliyunvpcemulator.junit.Emulator;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Pattern;

/**
 * What the suite's tests share: the fixtures' well-known values, the catalogue's messages, and
 * the admin calls on an emulator of the project's Java helper (java/,
 * aliyun-vpc-emulator-junit), which starts and stops every emulator of this suite.
 */
final class Sdk {
    private Sdk() {
    }
    static final String REGION = "cn-hangzhou";
    static final String ACCOUNT = "1000000000000001";
    static final String ROOT_AK = "LTAI5tEmulatorRootKey";
    static final String ROOT_SECRET = "EmulatorRootSecret";
    static final String READONLY_AK = "LTAI5tEmulatorReadOnly";
    static final String READONLY_SECRET = "EmulatorReadOnlySecret";
    static final String OPS_AK = "LTAI5tEmulatorOpsUser01";
    static final String OPS_SECRET = "EmulatorOpsSecret01";
    static final String CERT1 = "vsc-bp1emulator0000000001";
    static final String CERT2 = "vsc-bp1emulator0000000002";
    static final String SERVER = "vss-bp1emulator0000000001";
    static final String UNKNOWN_CERT = "vsc-bp1doesnotexist000001";
    static final String UNKNOWN_REGION = "cn-nowhere-9";
    static final Pattern REQUEST_ID = Pattern.compile("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$");
    static final Pattern CERT_ID = Pattern.compile("^vsc-[a-z0-9]{21}$");
    static final String SIGNATURE_PREFIX =
            "Specified signature is not matched with our calculation. server string to sign is:";

    static String message(String code) {
        switch (code) {
            case "InvalidName": return "The name is not valid";
            case "InvalidSslVpnClientCertId.NotFound": return "The specified SSL VPN client cert id does not exist.";
            case "InvalidRegionId.NotFound": return "The specified region is not found during access authentication.";
            case "Forbidden": return "User not authorized to operate on the specified resource.";
            case "Forbbiden.SubUser":
                return "User not authorized to operate on the specified resource as your account is created by another user.";
            case "IdempotentParameterMismatch":
                return "The request uses the same client token as a previous, but non-identical request. "
                        + "Do not reuse a client token with different requests, unless the requests are identical.";
            case "InvalidSslVpnServerId.NotFound": return "The specified SSL VPN server id does not exist.";
            case "InvalidVpnGatewayInstanceId.NotFound": return "The specified vpn gateway instance id does not exist.";
            case "VpnGateway.Configuring": return "The specified service is configuring.";
            case "VpnGateway.SslVpnDisabled": return "The VPN gateway has not enabled SSL VPN.";
            case "Resource.QuotaFull": return "The quota of resource is full";
            default: throw new IllegalArgumentException(code);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fixtures file of tests/sdk/fixtures (the working directory is tests/sdk/java). */
    static Path fixture(String name) {
        return Paths.get("..", "fixtures", name).toAbsolutePath().normalize();
    }

    /**
     * An emulator of the project's Java helper with tests/sdk/fixtures/{fixtures} and seed 42,
     * for the tests that need one of their own (the classes' shared one is injected through
     * {@code @VpcEmulatorTest}). The binary is $VPC_EMULATOR_BIN, which the pom sets from
     * -Demulator.bin.
     */
    static Emulator.Builder emulator(String fixtures) {
        return Emulator.builder().fixtures(fixture(fixtures)).seed(42);
    }

    /** An admin call, its answer parsed. */
    static JsonNode admin(Emulator emu, String method, String call, String body) throws Exception {
        return JSON.readTree(emu.admin(method, call, body));
    }

    /** A certificate's name as GET /_emulator/state shows it (null once it is gone). */
    static String certName(Emulator emu, String id) throws Exception {
        for (JsonNode cert : admin(emu, "GET", "state", null).get("SslVpnClientCerts")) {
            if (cert.get("SslVpnClientCertId").asText().equals(id)) {
                return cert.get("Name").asText();
            }
        }
        return null;
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
