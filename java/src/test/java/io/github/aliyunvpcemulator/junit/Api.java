package io.github.aliyunvpcemulator.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/** Unsigned API calls (the root of the first account in lenient mode) for the helper's tests. */
final class Api {
    private Api() {
    }

    /** The answer of one call: its status and its JSON body. */
    static final class Answer {
        final int status;
        final Map<String, Object> body;

        Answer(int status, Map<String, Object> body) {
            this.status = status;
            this.body = body;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    static Answer call(Emulator emu, String... params) throws IOException {
        return call(emu.getUrl(), null, params);
    }

    @SuppressWarnings("unchecked")
    static Answer call(String base, SSLSocketFactory tls, String... params) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Version", "2016-04-28");
        form.put("Format", "JSON");
        form.put("RegionId", "cn-hangzhou");
        for (int i = 0; i < params.length; i += 2) {
            form.put(params[i], params[i + 1]);
        }
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : form.entrySet()) {
            body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(e.getKey(), "UTF-8"))
                    .append('=').append(URLEncoder.encode(e.getValue(), "UTF-8"));
        }
        HttpURLConnection c = (HttpURLConnection) new URL(base + "/").openConnection(Proxy.NO_PROXY);
        if (tls != null) {
            ((HttpsURLConnection) c).setSSLSocketFactory(tls);
        }
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.toString().getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return new Answer(status, (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    /** A certificate's name as the state shows it (null when it is gone). */
    @SuppressWarnings("unchecked")
    static String certName(Emulator emu, String id) {
        for (Object c : (List<Object>) emu.state().get("SslVpnClientCerts")) {
            Map<String, Object> cert = (Map<String, Object>) c;
            if (id.equals(cert.get("SslVpnClientCertId"))) {
                return (String) cert.get("Name");
            }
        }
        return null;
    }

    /** The status of a GET without the admin token, or -1 when nothing answers. */
    static int status(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout(2000);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
