package emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A request body over --max-body-bytes, declared by Content-Length, is answered 413 to Java's
 * clients, which write the whole body before they read (SPEC 14).
 */
@VpcEmulatorTest(fixtures = "../fixtures/ram.json", seed = 42, resetBeforeEach = true)
class ConnectionsTest {
    static final byte[] BIG = new byte[2 * 1024 * 1024];
    static final String MESSAGE = "The request body is larger than 1048576 bytes.";

    static void assertTooLarge(int status, String body) throws Exception {
        JsonNode answer = new ObjectMapper().readTree(body);
        assertEquals(413, status, body);
        assertEquals("RequestEntityTooLarge", answer.get("Code").asText());
        assertEquals(MESSAGE, answer.get("Message").asText());
    }

    @Test
    void httpClientReadsThe413OfA2MiBBody(Emulator emu) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + emu.getPort() + "/?Action=DescribeRegions&Version=2016-04-28"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BIG))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertTooLarge(response.statusCode(), response.body());
    }

    @Test
    void httpUrlConnectionReadsThe413OfA2MiBBody(Emulator emu) throws Exception {
        HttpURLConnection conn = (HttpURLConnection) URI.create(
                        "http://127.0.0.1:" + emu.getPort() + "/?Action=DescribeRegions&Version=2016-04-28")
                .toURL()
                .openConnection();
        conn.setDoOutput(true);
        conn.setRequestMethod("POST");
        conn.setFixedLengthStreamingMode(BIG.length);
        conn.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream out = conn.getOutputStream()) {
            out.write(BIG);
        }
        int status = conn.getResponseCode();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (InputStream in = conn.getErrorStream()) {
            in.transferTo(body);
        }
        assertTooLarge(status, body.toString("UTF-8"));
    }
}
