package example;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.aliyun.teaopenapi.models.Config;
import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.DescribeRegionsRequest;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import org.junit.jupiter.api.Test;

/** Each official Java SDK pointed at the emulator. */
@VpcEmulatorTest
class ClientsTest {
    /** The Tea SDK, com.aliyun:vpc20160428. */
    @Test
    void teaClient(Emulator emu) throws Exception {
        Client client = new Client(new Config().setAccessKeyId(emu.getAccessKeyId())
                .setAccessKeySecret(emu.getAccessKeySecret()).setEndpoint(emu.getEndpoint())
                .setProtocol("HTTP").setRegionId(emu.getRegion()));
        assertFalse(client.describeRegions(new DescribeRegionsRequest()).getBody().getRegions().getRegion().isEmpty());
    }

    /** The legacy SDK, com.aliyun:aliyun-java-sdk-vpc: the endpoint and the protocol go on each request. */
    @Test
    void legacyClient(Emulator emu) throws Exception {
        IAcsClient client = new DefaultAcsClient(DefaultProfile.getProfile(emu.getRegion(), emu.getAccessKeyId(), emu.getAccessKeySecret()));
        var request = new com.aliyuncs.vpc.model.v20160428.DescribeRegionsRequest();
        request.setSysEndpoint(emu.getEndpoint());
        request.setSysProtocol(ProtocolType.HTTP);
        assertFalse(client.getAcsResponse(request).getRegions().isEmpty());
    }
}
