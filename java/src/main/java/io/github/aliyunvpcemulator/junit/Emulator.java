package io.github.aliyunvpcemulator.junit;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One running aliyun-vpc-emulator process on a free port of 127.0.0.1.
 *
 * <p>In JUnit 5 tests, let {@link VpcEmulatorTest} (or {@link VpcEmulatorExtension}) inject it;
 * elsewhere, {@code try (Emulator emu = Emulator.builder().start()) { ... }}. The binary is
 * {@code $VPC_EMULATOR_BIN}, else {@code aliyun-vpc-emulator} on {@code PATH}. The defaults are
 * the emulator's own: the embedded default fixtures, lenient authentication, plain HTTP, region
 * {@code cn-hangzhou}, the root key of the default fixtures.
 *
 * <p>The getters are named as those of the Testcontainers modules ({@code getEndpoint()} is
 * {@code host:port}, what the Alibaba Cloud SDKs take as their endpoint; {@code getUrl()} has
 * the scheme), so that a Testcontainers module can wrap this class later. The admin calls throw
 * {@link IllegalStateException} when the emulator refuses them.
 */
public final class Emulator implements AutoCloseable {
    /** The root key of account 1000000000000001 in the default fixtures. */
    public static final String DEFAULT_ACCESS_KEY_ID = "LTAI5tEmulatorRootKey";
    /** Its secret. */
    public static final String DEFAULT_ACCESS_KEY_SECRET = "EmulatorRootSecret";
    /** The region of the default fixtures' resources. */
    public static final String DEFAULT_REGION = "cn-hangzhou";
    /** The environment variable naming the binary. */
    public static final String BINARY_ENV = "VPC_EMULATOR_BIN";
    /** The binary looked up on PATH when {@link #BINARY_ENV} is not set. */
    public static final String BINARY_NAME = "aliyun-vpc-emulator";

    private static final Pattern LISTENING =
            Pattern.compile("^aliyun-vpc-emulator listening on http://(.+):(\\d+)$");
    private static final long START_SECONDS = 30;
    private static final long STOP_SECONDS = 10;
    private static final int LOG_TAIL = 64 * 1024;

    private final Process process;
    private final Path log;
    private final List<Path> temporary;
    private final boolean tls;
    private final String adminToken;
    private final String host;
    private final int port;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final String region;
    private String caPem;
    private boolean closed;

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of one emulator; {@link #start()} runs it. */
    public static final class Builder {
        private Path binary;
        private Path fixtures;
        private String fixturesJson;
        private boolean tls;
        private long gatewayBusyMs;
        private Long seed;
        private String adminToken;
        private String region = DEFAULT_REGION;
        private String accessKeyId;
        private String accessKeySecret;
        private final List<String> args = new ArrayList<>();

        private Builder() {
        }

        /** Runs this binary instead of {@code $VPC_EMULATOR_BIN} or the one on PATH. */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** Starts from this fixtures file (the state format) instead of the embedded default. */
        public Builder fixtures(Path fixtures) {
            this.fixtures = fixtures;
            this.fixturesJson = null;
            return this;
        }

        /** Starts from this fixtures document (JSON text). */
        public Builder fixturesJson(String json) {
            this.fixturesJson = json;
            this.fixtures = null;
            return this;
        }

        /** Serves HTTPS as well as HTTP on the same port ({@code --tls}). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Keeps a VPN gateway busy this long after a change ({@code --gateway-busy-ms}). */
        public Builder gatewayBusy(Duration busy) {
            this.gatewayBusyMs = busy.toMillis();
            return this;
        }

        /** Makes generated IDs and RequestIds reproducible ({@code --seed}). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Protects {@code /_emulator/*} with this bearer token; the admin calls send it. */
        public Builder adminToken(String token) {
            this.adminToken = token;
            return this;
        }

        /** The region {@link Emulator#getRegion()} gives, instead of cn-hangzhou. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * The key the getters give instead of the startup fixtures' root key, e.g. a RAM user's
         * key of your fixtures.
         */
        public Builder accessKey(String id, String secret) {
            this.accessKeyId = id;
            this.accessKeySecret = secret;
            return this;
        }

        /** More command-line flags, e.g. {@code args("--auth", "strict")}. */
        public Builder args(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        /** Starts the emulator and waits until it serves. */
        public Emulator start() {
            try {
                return new Emulator(this);
            } catch (IOException e) {
                throw new IllegalStateException("aliyun-vpc-emulator: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("aliyun-vpc-emulator: interrupted while starting", e);
            }
        }
    }

    private Emulator(Builder b) throws IOException, InterruptedException {
        String bin = findBinary(b.binary);
        temporary = new ArrayList<>();
        List<String> argv = new ArrayList<>(Arrays.asList(bin, "--host", "127.0.0.1", "--port", "0"));
        Path fixtures = b.fixtures;
        if (b.fixturesJson != null) {
            fixtures = Files.createTempFile("aliyun-vpc-emulator-fixtures", ".json");
            temporary.add(fixtures);
            Files.write(fixtures, b.fixturesJson.getBytes(StandardCharsets.UTF_8));
        }
        if (fixtures != null) {
            argv.addAll(Arrays.asList("--fixtures", fixtures.toAbsolutePath().toString()));
        }
        if (b.tls) {
            argv.add("--tls");
        }
        if (b.gatewayBusyMs > 0) {
            argv.addAll(Arrays.asList("--gateway-busy-ms", Long.toString(b.gatewayBusyMs)));
        }
        if (b.seed != null) {
            argv.addAll(Arrays.asList("--seed", Long.toUnsignedString(b.seed)));
        }
        if (b.adminToken != null) {
            argv.addAll(Arrays.asList("--admin-token", b.adminToken));
        }
        argv.addAll(b.args);
        tls = b.tls;
        adminToken = b.adminToken;

        ProcessBuilder pb = new ProcessBuilder(argv);
        // A VPC_EMULATOR_* variable of the shell must not change what a test gets.
        pb.environment().keySet().removeIf(k -> k.startsWith("VPC_EMULATOR_"));
        log = Files.createTempFile("aliyun-vpc-emulator", ".log");
        temporary.add(log);
        pb.redirectError(log.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        process = pb.start();
        process.getOutputStream().close();

        BlockingQueue<String> first = new ArrayBlockingQueue<>(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                first.offer(line == null ? "" : line);
                while (out.readLine() != null) {
                    // nothing else is printed there; keep the pipe drained
                }
            } catch (IOException e) {
                first.offer("");
            }
        }, "aliyun-vpc-emulator stdout");
        reader.setDaemon(true);
        reader.start();
        String line = first.poll(START_SECONDS, TimeUnit.SECONDS);
        Matcher m = LISTENING.matcher(line == null ? "" : line);
        if (!m.matches()) {
            String why;
            if (line == null) {
                why = "printed no listening line within " + START_SECONDS + " s";
            } else if (process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                why = "did not start (it exited with status " + process.exitValue() + ")";
            } else {
                why = "printed " + Json.quote(line) + " instead of its listening line";
            }
            process.destroyForcibly();
            String text = String.join(" ", argv) + " " + why + "; its log:\n" + logs();
            deleteTemporary();
            throw new IllegalStateException("aliyun-vpc-emulator: " + text);
        }
        String listened = m.group(1);
        host = listened.equals("0.0.0.0") || listened.equals("[::]") ? "127.0.0.1" : listened;
        port = Integer.parseInt(m.group(2));
        String[] key = b.accessKeyId != null ? new String[] {b.accessKeyId, b.accessKeySecret} : rootKey();
        accessKeyId = key[0];
        accessKeySecret = key[1];
        region = b.region;
    }

    /** The explicit binary, else $VPC_EMULATOR_BIN, else aliyun-vpc-emulator on PATH. */
    static String findBinary(Path explicit) {
        return findBinary(explicit, System.getenv(BINARY_ENV), System.getenv("PATH"));
    }

    static String findBinary(Path explicit, String env, String path) {
        if (explicit != null) {
            return checkBinary(explicit.toString(), "the binary given to the builder");
        }
        if (env != null && !env.isEmpty()) {
            return checkBinary(env, BINARY_ENV);
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        if (path != null) {
            for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
                for (String name : windows ? new String[] {BINARY_NAME + ".exe", BINARY_NAME} : new String[] {BINARY_NAME}) {
                    File candidate = new File(dir.isEmpty() ? "." : dir, name);
                    if (candidate.isFile() && candidate.canExecute()) {
                        return candidate.getAbsolutePath();
                    }
                }
            }
        }
        throw new IllegalStateException("aliyun-vpc-emulator: no emulator binary: " + BINARY_ENV
                + " is not set and " + BINARY_NAME + " is not on PATH (install it with `cargo install --path .` "
                + "in a checkout, or set " + BINARY_ENV + " to the binary)");
    }

    private static String checkBinary(String path, String from) {
        File file = new File(path);
        if (!file.isFile()) {
            throw new IllegalStateException("aliyun-vpc-emulator: no emulator binary at " + path + " (" + from + ")");
        }
        if (!file.canExecute()) {
            throw new IllegalStateException("aliyun-vpc-emulator: " + path + " (" + from + ") is not executable");
        }
        return path;
    }

    /** The first active key of the first account of the startup state. */
    @SuppressWarnings("unchecked")
    private String[] rootKey() {
        Map<String, Object> state = state();
        Object accounts = state.get("Accounts");
        if (accounts instanceof List && !((List<?>) accounts).isEmpty()) {
            Map<String, Object> account = (Map<String, Object>) ((List<?>) accounts).get(0);
            Object keys = account.get("AccessKeys");
            if (keys instanceof List) {
                for (Object k : (List<?>) keys) {
                    Map<String, Object> key = (Map<String, Object>) k;
                    Object status = key.get("Status");
                    if (status == null || "Active".equals(status)) {
                        return new String[] {(String) key.get("AccessKeyId"), (String) key.get("AccessKeySecret")};
                    }
                }
            }
        }
        return new String[] {DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
    }

    /** {@code 127.0.0.1:PORT}, what the SDKs take as their endpoint. */
    public String getEndpoint() {
        return host + ":" + port;
    }

    /** {@code http://127.0.0.1:PORT}, or https when started with TLS (the port answers both). */
    public String getUrl() {
        return (tls ? "https://" : "http://") + getEndpoint();
    }

    /** The address it listens on, 127.0.0.1. */
    public String getHost() {
        return host;
    }

    /** The port it listens on. */
    public int getPort() {
        return port;
    }

    /**
     * The first active key of the first account of the startup fixtures (the default fixtures':
     * LTAI5tEmulatorRootKey), or the builder's.
     */
    public String getAccessKeyId() {
        return accessKeyId;
    }

    /** That key's secret. */
    public String getAccessKeySecret() {
        return accessKeySecret;
    }

    /** The region to give the clients: cn-hangzhou, or the builder's. */
    public String getRegion() {
        return region;
    }

    /** The PEM of the CA that signed the HTTPS certificate; needs an emulator started with TLS. */
    public synchronized String getCaPem() {
        if (!tls) {
            throw new IllegalStateException("aliyun-vpc-emulator: getCaPem() needs an emulator started with TLS");
        }
        if (caPem == null) {
            caPem = admin("GET", "ca.pem", null);
        }
        return caPem;
    }

    /**
     * Back to the startup fixtures; clears ClientTokens, the request journal, faults and the clock
     * offset ({@code POST /_emulator/reset}).
     */
    public void reset() {
        admin("POST", "reset", null);
    }

    /** Every resource, in the fixtures format ({@code GET /_emulator/state}). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> state() {
        return (Map<String, Object>) Json.parse(admin("GET", "state", null));
    }

    /** Replaces every resource with this state document ({@code PUT /_emulator/state}). */
    public void putState(String json) {
        admin("PUT", "state", json);
    }

    /** The request journal, oldest first, each entry as {@code GET /_emulator/requests} gives it. */
    public List<Map<String, Object>> requests() {
        return journal("requests");
    }

    /** The journal entries of one action. */
    public List<Map<String, Object>> requests(String action) {
        try {
            return journal("requests?action=" + java.net.URLEncoder.encode(action, "UTF-8"));
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> journal(String call) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object entry : (List<Object>) Json.parse(admin("GET", call, null))) {
            out.add((Map<String, Object>) entry);
        }
        return Collections.unmodifiableList(out);
    }

    /** Empties the request journal. */
    public void clearRequests() {
        admin("DELETE", "requests", null);
    }

    /** The next {@code count} calls of {@code action} ({@code "*"} for any) answer the error {@code code}. */
    public void addFault(String action, String code, int count) {
        addFault("{\"Action\": " + Json.quote(action) + ", \"Code\": " + Json.quote(code) + ", \"Count\": " + count + "}");
    }

    /** Adds a fault rule given as JSON ({@code Action}, {@code Code}, {@code Count}, {@code DelayMs}, ...). */
    public void addFault(String json) {
        admin("POST", "faults", json);
    }

    /** Removes every fault rule. */
    public void clearFaults() {
        admin("DELETE", "faults", null);
    }

    /** Moves the emulator clock by this many seconds (negative allowed). */
    public void advanceClock(long seconds) {
        admin("POST", "clock", "{\"AdvanceSeconds\": " + seconds + "}");
    }

    /**
     * Calls {@code /_emulator/{call}} (call may carry a query) with a JSON body (null for none)
     * and returns the answer's body; an answer other than 200 throws IllegalStateException.
     */
    public String admin(String method, String call, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + getEndpoint() + "/_emulator/" + call)
                    .openConnection(Proxy.NO_PROXY);
            c.setRequestMethod(method);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            if (adminToken != null) {
                c.setRequestProperty("Authorization", "Bearer " + adminToken);
            }
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = in == null ? "" : read(in);
            if (status != 200) {
                throw new IllegalStateException("aliyun-vpc-emulator: " + method + " /_emulator/" + call + ": "
                        + status + " " + text.trim());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("aliyun-vpc-emulator: " + method + " /_emulator/" + call + ": " + e
                    + (process.isAlive() ? "" : " (it exited with status " + process.exitValue() + "); its log:\n" + logs()), e);
        }
    }

    private static String read(InputStream in) throws IOException {
        try (InputStream stream = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = stream.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    /** The tail (the last 64 KiB) of what the emulator wrote to stderr: one line per API call. */
    public String logs() {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, file.length() - LOG_TAIL);
            byte[] buf = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the log cannot be read: " + e + ")";
        }
    }

    /** The process, for this package's tests. */
    Process process() {
        return process;
    }

    /**
     * Stops the emulator (SIGTERM) and waits for it; throws IllegalStateException, with the tail
     * of its log, when it exits with an error or does not stop within 10 s.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.destroy();
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("aliyun-vpc-emulator: it did not stop within " + STOP_SECONDS
                        + " s of SIGTERM; its log:\n" + logs());
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("aliyun-vpc-emulator: it exited with status " + process.exitValue()
                        + "; its log:\n" + logs());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteTemporary();
        }
    }

    private void deleteTemporary() {
        for (Path p : temporary) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    @Override
    public String toString() {
        return "aliyun-vpc-emulator at " + getUrl();
    }
}
