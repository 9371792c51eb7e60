package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.aliyun.teaopenapi.models.Config;
import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.ModifySslVpnClientCertRequest;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import org.junit.jupiter.api.Test;

/** Renames an SSL-VPN client certificate of the default fixtures through the official Tea SDK. */
@VpcEmulatorTest(resetBeforeEach = true) // one emulator for the class, back to its fixtures before each test
class FirstTest {
    @Test
    void renamesACertificate(Emulator emu) throws Exception {
        Client client = new Client(new Config()
                .setAccessKeyId(emu.getAccessKeyId())
                .setAccessKeySecret(emu.getAccessKeySecret())
                .setEndpoint(emu.getEndpoint())
                .setProtocol("HTTP")
                .setRegionId(emu.getRegion()));
        String name = client.modifySslVpnClientCert(new ModifySslVpnClientCertRequest()
                .setRegionId(emu.getRegion())
                .setSslVpnClientCertId("vsc-bp1emulator0000000001")
                .setName("laptop")).getBody().getName();
        assertEquals("laptop", name);
        assertEquals(1, emu.requests("ModifySslVpnClientCert").size());
    }
}
