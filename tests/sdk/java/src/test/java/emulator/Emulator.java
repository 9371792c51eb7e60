package emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One running emulator: the binary of {@code -Demulator.bin} (else $EMULATOR_BIN, else
 * target/debug of the repository) on port 0 with the RAM fixtures of tests/sdk/fixtures, the
 * port read from its listening line.
 */
final class Emulator implements AutoCloseable {
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
    private static final Pattern LISTENING =
            Pattern.compile("^aliyun-vpc-emulator listening on http://127\\.0\\.0\\.1:(\\d+)$");

    private final Process process;
    final int port;

    static Path repo() {
        return Paths.get("").toAbsolutePath().resolve("../../..").normalize();
    }

    Emulator(String... extra) throws Exception {
        this("ram.json", extra);
    }

    /** With tests/sdk/fixtures/{fixtures} instead of the RAM fixtures. */
    static Emulator with(String fixtures, String... extra) throws Exception {
        return new Emulator(fixtures, extra);
    }

    private Emulator(String fixtures, String[] extra) throws Exception {
        String bin = System.getProperty("emulator.bin", System.getenv("EMULATOR_BIN"));
        if (bin == null || bin.isEmpty()) {
            bin = repo().resolve("target/debug/aliyun-vpc-emulator").toString();
        }
        List<String> argv = new ArrayList<>(List.of(bin, "--port", "0", "--seed", "42", "--fixtures",
                repo().resolve("tests/sdk/fixtures/" + fixtures).toString()));
        argv.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().keySet().removeIf(k -> k.startsWith("VPC_EMULATOR_"));
        File log = Files.createTempFile("emulator", ".log").toFile();
        builder.redirectError(log);
        process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher m = LISTENING.matcher(line == null ? "" : line);
        if (!m.matches()) {
            process.destroyForcibly();
            throw new IllegalStateException("no listening line: " + line);
        }
        port = Integer.parseInt(m.group(1));
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    JsonNode admin(String method, String call, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/_emulator/" + call))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            // The admin API takes JSON bodies only (SPEC 14).
            builder.header("Content-Type", "application/json");
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " " + call + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A certificate's name as GET /_emulator/state shows it (null once it is gone). */
    String certName(String id) throws Exception {
        for (JsonNode cert : admin("GET", "state", null).get("SslVpnClientCerts")) {
            if (cert.get("SslVpnClientCertId").asText().equals(id)) {
                return cert.get("Name").asText();
            }
        }
        return null;
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the emulator did not stop on SIGTERM");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the emulator exited " + process.exitValue());
        }
    }
}
