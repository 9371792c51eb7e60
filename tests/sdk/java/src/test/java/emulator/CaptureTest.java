package emulator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.aliyun.teaopenapi.models.Config;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Records one ModifySslVpnClientCert of each Java client, signed with the test vectors' key
 * (LTAItestkey / testsecret), into {@code -Dcapture.dir} in the form of tests/captures.
 * Skipped unless that property is set.
 */
class CaptureTest {
    interface Call {
        void send(String hostPort) throws Exception;
    }

    static byte[] captureOne(Call call) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    int length = 0;
                    boolean chunked = false;
                    StringBuilder line = new StringBuilder();
                    while (true) {
                        int b = in.read();
                        raw.write(b);
                        line.append((char) b);
                        if (b == '\n') {
                            String l = line.toString().toLowerCase();
                            if (l.startsWith("content-length:")) {
                                length = Integer.parseInt(l.substring(15).trim());
                            }
                            if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                                chunked = true;
                            }
                            if (l.equals("\r\n")) {
                                break;
                            }
                            line.setLength(0);
                        }
                    }
                    if (chunked) {
                        // Chunks up to the last one, "0\r\n\r\n".
                        byte[] tail = new byte[5];
                        while (!new String(tail, StandardCharsets.US_ASCII).equals("0\r\n\r\n")) {
                            int b = in.read();
                            raw.write(b);
                            System.arraycopy(tail, 1, tail, 0, 4);
                            tail[4] = (byte) b;
                        }
                    } else {
                        raw.write(in.readNBytes(length));
                    }
                    String body = "{\"RequestId\":\"00000000-0000-4000-8000-000000000000\",\"Name\":\"cert2\","
                            + "\"SslVpnClientCertId\":\"vsc-test123\"}";
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n"
                            + "x-acs-request-id: 00000000-0000-4000-8000-000000000000\r\nContent-Length: "
                            + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return raw.toByteArray();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            call.send("127.0.0.1:" + server.getLocalPort());
            return got.get();
        }
    }

    static void write(Path dir, String client, byte[] raw) throws Exception {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        StringBuilder out = new StringBuilder();
        out.append("# client: ").append(client).append("\n# action: ModifySslVpnClientCert\n");
        out.append("# call params: {\"RegionId\": \"cn-hangzhou\", \"SslVpnClientCertId\": \"vsc-test123\", "
                + "\"Name\": \"cert2\", \"ClientToken\": \"tok-1\"}\n");
        out.append("# keys: AccessKeyId LTAItestkey, secret testsecret\n# requests received: 1\n\n");
        out.append("===== RAW REQUEST (verbatim bytes as received; CRLF shown as \\r\\n) =====\n");
        for (String line : text.substring(0, end).split("\r\n", -1)) {
            out.append(line).append("\\r\\n\n");
        }
        out.append("\\r\\n\n");
        // The body: each CRLF-ended piece (a chunked body's lines) as a protocol line, the rest
        // as plain text.
        String[] pieces = text.substring(end + 4).split("\r\n", -1);
        for (int i = 0; i < pieces.length; i++) {
            if (i < pieces.length - 1) {
                out.append(pieces[i]).append("\\r\\n\n");
            } else if (!pieces[i].isEmpty()) {
                out.append(pieces[i]).append("\n");
            }
        }
        out.append("===== PARSED =====\n(see the raw request)\n");
        Files.writeString(dir.resolve(client + "__ModifySslVpnClientCert.txt"), out.toString());
    }

    @Test
    void writeCaptures() throws Exception {
        String dir = System.getProperty("capture.dir");
        assumeTrue(dir != null && !dir.isEmpty(), "capture.dir is not set");
        write(Path.of(dir), "java-tea", captureOne(hostPort -> {
            var client = new com.aliyun.vpc20160428.Client(new Config().setAccessKeyId("LTAItestkey")
                    .setAccessKeySecret("testsecret").setEndpoint(hostPort).setProtocol("HTTP").setRegionId("cn-hangzhou"));
            client.modifySslVpnClientCert(new com.aliyun.vpc20160428.models.ModifySslVpnClientCertRequest()
                    .setRegionId("cn-hangzhou").setSslVpnClientCertId("vsc-test123").setName("cert2").setClientToken("tok-1"));
        }));
        write(Path.of(dir), "java-legacy", captureOne(hostPort -> {
            var client = new DefaultAcsClient(DefaultProfile.getProfile("cn-hangzhou", "LTAItestkey", "testsecret"));
            var request = new com.aliyuncs.vpc.model.v20160428.ModifySslVpnClientCertRequest();
            request.setSysEndpoint(hostPort);
            request.setSysProtocol(ProtocolType.HTTP);
            request.setSysRegionId("cn-hangzhou");
            request.setSslVpnClientCertId("vsc-test123");
            request.setName("cert2");
            request.setClientToken("tok-1");
            client.getAcsResponse(request);
        }));
    }
}
