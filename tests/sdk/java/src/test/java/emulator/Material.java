package emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Date;

/** Checks the key material of a Describe in Java's own X.509 and key classes. */
final class Material {
    private Material() {}

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static PrivateKey pkcs8(String pem) throws Exception {
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /**
     * The client certificate is signed by the CA, names the certificate ID, is valid from
     * CreateTime to EndTime (to the second) for client authentication, and the key is its own.
     */
    static void check(String id, String caPem, String certPem, String keyPem, long createMs, long endMs,
            String config) throws Exception {
        X509Certificate ca = certificate(caPem);
        X509Certificate cert = certificate(certPem);
        cert.verify(ca.getPublicKey());
        assertEquals(ca.getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertTrue(cert.getSubjectX500Principal().getName().contains("CN=" + id), cert.getSubjectX500Principal().getName());
        assertEquals(createMs / 1000, cert.getNotBefore().getTime() / 1000);
        assertEquals(endMs / 1000, cert.getNotAfter().getTime() / 1000);
        cert.checkValidity(new Date(createMs + 1000));
        assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "clientAuth");
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");

        PrivateKey key = pkcs8(keyPem);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update("proof".getBytes(StandardCharsets.UTF_8));
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update("proof".getBytes(StandardCharsets.UTF_8));
        assertTrue(verifier.verify(signature), "ClientKey is the key of ClientCert");

        for (String line : new String[] {"client\n", "dev tun\n", "proto udp\n", "remote 127.0.0.1 1194\n",
                "cipher AES-128-CBC\n", "<ca>\n" + caPem.trim() + "\n</ca>", "<cert>\n" + certPem.trim() + "\n</cert>",
                "<key>\n" + keyPem.trim() + "\n</key>"}) {
            assertTrue(config.contains(line), "ClientConfig lacks " + line);
        }
    }
}
