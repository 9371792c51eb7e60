package emulator;

import static emulator.Sdk.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.tea.TeaException;
import com.aliyun.tea.TeaModel;
import com.aliyun.vpc20160428.Client;
import com.aliyuncs.AcsRequest;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.FormatType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.aliyunvpcemulator.junit.Emulator;
import io.github.aliyunvpcemulator.junit.VpcEmulatorTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VPCs, vSwitches, route tables, the VPN gateway lifecycle and tags (SPEC section 12) through
 * both Java SDKs' typed requests for every action: the Tea SDK's models (built from the API's
 * names with {@code TeaModel.build}) and the legacy SDK's request classes (their setters), each
 * sent through the client's own method; the legacy SDK asked for JSON and for XML.
 */
@VpcEmulatorTest(fixtures = "../fixtures/servers.json", seed = 42, resetBeforeEach = true)
class VpcsTest {
    static final String DEFAULT_VPC = "vpc-bp1emulator0000000001";
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static Pattern id(String prefix) {
        return Pattern.compile("^" + prefix + "-[a-z0-9]{21}$");
    }

    /** One client: any action by name, the answer as JSON; refusals as the SDK's exception. */
    interface Caller {
        JsonNode call(String action, Map<String, Object> params) throws Exception;

        String code(Exception e);
    }

    static Map<String, Object> p(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("RegionId", REGION);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, String> tag(String key, String value) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("Key", key);
        t.put("Value", value);
        return t;
    }

    static final class Tea implements Caller {
        final Client client;

        Tea(Emulator emu) throws Exception {
            client = TeaSdkTest.client(emu, ROOT_AK, ROOT_SECRET);
        }

        @Override
        public JsonNode call(String action, Map<String, Object> params) throws Exception {
            Class<?> type = Class.forName("com.aliyun.vpc20160428.models." + action + "Request");
            TeaModel request = TeaModel.build(params, (TeaModel) type.getDeclaredConstructor().newInstance());
            // Lists of objects (Tag) as the model's own item models.
            for (Map.Entry<String, Object> e : params.entrySet()) {
                if (e.getValue() instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
                    java.lang.reflect.Field f = null;
                    for (java.lang.reflect.Field candidate : type.getDeclaredFields()) {
                        com.aliyun.tea.NameInMap name = candidate.getAnnotation(com.aliyun.tea.NameInMap.class);
                        if (name != null && name.value().equals(e.getKey())) {
                            f = candidate;
                        }
                    }
                    if (f == null) {
                        throw new IllegalArgumentException(action + "Request has no " + e.getKey());
                    }
                    f.setAccessible(true);
                    Class<?> item = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
                    List<Object> items = new ArrayList<>();
                    for (Object x : list) {
                        @SuppressWarnings("unchecked")
                        Map<String, ?> fields = (Map<String, ?>) x;
                        items.add(TeaModel.build(fields, (TeaModel) item.getDeclaredConstructor().newInstance()));
                    }
                    f.set(request, items);
                }
            }
            Method m = client.getClass().getMethod(Character.toLowerCase(action.charAt(0)) + action.substring(1), type);
            Object response;
            try {
                response = m.invoke(client, request);
            } catch (InvocationTargetException e) {
                throw (Exception) e.getCause();
            }
            TeaModel body = (TeaModel) response.getClass().getMethod("getBody").invoke(response);
            return JSON.valueToTree(withoutNulls(body.toMap()));
        }

        @SuppressWarnings("unchecked")
        static Object withoutNulls(Object v) {
            if (v instanceof Map) {
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<String, Object>) v).forEach((k, x) -> {
                    if (x != null) {
                        out.put(k, withoutNulls(x));
                    }
                });
                return out;
            }
            if (v instanceof List) {
                List<Object> out = new ArrayList<>();
                ((List<Object>) v).forEach(x -> out.add(withoutNulls(x)));
                return out;
            }
            return v;
        }

        @Override
        public String code(Exception e) {
            return ((TeaException) e).getCode();
        }
    }

    static final class Legacy implements Caller {
        final IAcsClient client = LegacySdkTest.client(ROOT_AK, ROOT_SECRET);
        final Emulator emu;
        final FormatType format;

        Legacy(Emulator emu, FormatType format) {
            this.emu = emu;
            this.format = format;
        }

        /** The request class filled through its setters (lists through setTags, setResourceIds, setTagKeys). */
        AcsRequest<?> request(String action, Map<String, Object> params) throws Exception {
            Class<?> type = Class.forName("com.aliyuncs.vpc.model.v20160428." + action + "Request");
            AcsRequest<?> request = (AcsRequest<?>) type.getDeclaredConstructor().newInstance();
            LegacySdkTest.target(emu, (AcsRequest) request, format, (String) params.get("RegionId"));
            for (Map.Entry<String, Object> e : params.entrySet()) {
                if (e.getKey().equals("RegionId")) {
                    continue;
                }
                String setter = switch (e.getKey()) {
                    case "Tag" -> "setTags";
                    case "ResourceId" -> "setResourceIds";
                    case "TagKey" -> "setTagKeys";
                    default -> "set" + e.getKey();
                };
                Method m = null;
                for (Method candidate : type.getMethods()) {
                    if (candidate.getName().equals(setter) && candidate.getParameterCount() == 1) {
                        m = candidate;
                    }
                }
                if (m == null && e.getValue() instanceof List<?> list) {
                    // aliyun-java-sdk-vpc 3.2.4 has no setter for this list here (CreateVpc's
                    // Tag): the request's own generic parameter method, flattened as the API names it.
                    for (int i = 0; i < list.size(); i++) {
                        Object x = list.get(i);
                        if (x instanceof Map<?, ?> kv) {
                            for (Map.Entry<?, ?> f : kv.entrySet()) {
                                request.putQueryParameter(e.getKey() + "." + (i + 1) + "." + f.getKey(), String.valueOf(f.getValue()));
                            }
                        } else {
                            request.putQueryParameter(e.getKey() + "." + (i + 1), String.valueOf(x));
                        }
                    }
                    continue;
                }
                if (m == null) {
                    throw new IllegalArgumentException(action + "Request has no " + setter);
                }
                m.invoke(request, convert(m, e.getValue()));
            }
            return request;
        }

        @SuppressWarnings("unchecked")
        static Object convert(Method setter, Object value) throws Exception {
            Class<?> want = setter.getParameterTypes()[0];
            if (value instanceof List) {
                List<Object> out = new ArrayList<>();
                Class<?> item = (Class<?>) ((ParameterizedType) setter.getGenericParameterTypes()[0])
                        .getActualTypeArguments()[0];
                for (Object x : (List<Object>) value) {
                    if (x instanceof Map) {
                        Object t = item.getDeclaredConstructor().newInstance();
                        for (Map.Entry<String, String> kv : ((Map<String, String>) x).entrySet()) {
                            item.getMethod("set" + kv.getKey(), String.class).invoke(t, kv.getValue());
                        }
                        out.add(t);
                    } else {
                        out.add(x);
                    }
                }
                return out;
            }
            String text = String.valueOf(value);
            if (want == Integer.class) {
                return Integer.valueOf(text);
            }
            if (want == Long.class) {
                return Long.valueOf(text);
            }
            if (want == Boolean.class) {
                return Boolean.valueOf(text);
            }
            return text;
        }

        @Override
        public JsonNode call(String action, Map<String, Object> params) throws Exception {
            // The typed response, as the SDK unmarshalled it (JSON or XML).
            return JSON.valueToTree(client.getAcsResponse(request(action, params)));
        }

        /** The raw answer of a read, for the exact payload. */
        JsonNode raw(String action, Map<String, Object> params) throws Exception {
            String body = client.doAction(request(action, params)).getHttpContentString();
            return format == FormatType.JSON ? json(body) : JSON.valueToTree(body);
        }

        @Override
        public String code(Exception e) {
            return ((ClientException) e).getErrCode();
        }
    }

    static Caller caller(String kind, Emulator emu) throws Exception {
        return switch (kind) {
            case "tea" -> new Tea(emu);
            case "legacy-json" -> new Legacy(emu, FormatType.JSON);
            default -> new Legacy(emu, FormatType.XML);
        };
    }

    /** The key of a typed response: the Tea models' API names, the legacy beans' property names. */
    static JsonNode field(JsonNode body, String name) {
        JsonNode v = body.get(name);
        for (var it = body.fieldNames(); v == null && it.hasNext(); ) {
            String candidate = it.next();
            if (candidate.equalsIgnoreCase(name)) {
                v = body.get(candidate);
            }
        }
        assertTrue(v != null, name + " in " + body);
        return v;
    }

    static String text(JsonNode body, String name) {
        return field(body, name).asText();
    }

    static void assertCode(Caller c, String code, org.junit.jupiter.api.function.Executable call) {
        Exception e = (Exception) assertThrows(Exception.class, call);
        assertEquals(code, c.code(e), e.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tea", "legacy-json", "legacy-xml"})
    void theChain(String kind, Emulator emu) throws Exception {
        Caller c = caller(kind, emu);
        // Neither Java SDK's CreateVpc request has Tag (vpc20160428 3.2.24, aliyun-java-sdk-vpc
        // 3.2.4): the tag follows through TagResources, as Terraform does for vSwitches.
        JsonNode made = c.call("CreateVpc", p("CidrBlock", "10.0.0.0/16", "VpcName", "chain",
                "ClientToken", "vpc-" + kind));
        String vpc = text(made, "VpcId");
        assertTrue(id("vpc").matcher(vpc).matches(), made.toString());
        assertTrue(id("vrt").matcher(text(made, "VRouterId")).matches(), made.toString());
        String table = text(made, "RouteTableId");
        assertTrue(id("vtb").matcher(table).matches(), made.toString());
        assertEquals(json("{\"CidrBlock\":\"10.0.0.0/16\",\"ClientToken\":\"vpc-" + kind + "\",\"RegionId\":\"cn-hangzhou\","
                + "\"VpcName\":\"chain\"}"), ServersTest.sent(emu, "CreateVpc"));
        c.call("TagResources", p("ResourceType", "VPC", "ResourceId", List.of(vpc), "Tag", List.of(tag("team", "vpn"))));

        JsonNode attribute = c.call("DescribeVpcAttribute", p("VpcId", vpc));
        assertEquals("Available", text(attribute, "Status"));
        assertEquals("10.0.0.0/16", text(attribute, "CidrBlock"));
        assertTrue(text(attribute, "CreationTime").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), attribute.toString());

        String vsw = text(c.call("CreateVSwitch", p("VpcId", vpc, "ZoneId", "cn-hangzhou-b", "CidrBlock", "10.0.1.0/24",
                "VSwitchName", "a", "ClientToken", "vsw-" + kind)), "VSwitchId");
        assertTrue(id("vsw").matcher(vsw).matches(), vsw);
        JsonNode sw = c.call("DescribeVSwitchAttributes", p("VSwitchId", vsw));
        assertEquals(252, field(sw, "AvailableIpAddressCount").asInt());
        assertEquals(table, text(field(sw, "RouteTable"), "RouteTableId"));

        JsonNode gwMade = c.call("CreateVpnGateway", p("VpcId", vpc, "Bandwidth", 10, "EnableSsl", true,
                "InstanceChargeType", "POSTPAY", "AutoPay", true, "ClientToken", "gw-" + kind));
        String gw = text(gwMade, "VpnGatewayId");
        assertTrue(id("vpn").matcher(gw).matches(), gw);
        assertEquals(15, text(gwMade, "OrderId").length(), gwMade.toString());
        assertEquals(json("{\"AutoPay\":\"true\",\"Bandwidth\":\"10\",\"ClientToken\":\"gw-" + kind + "\",\"EnableSsl\":\"true\","
                + "\"InstanceChargeType\":\"POSTPAY\",\"RegionId\":\"cn-hangzhou\",\"VpcId\":\"" + vpc + "\"}"),
                ServersTest.sent(emu, "CreateVpnGateway"));
        JsonNode g = c.call("DescribeVpnGateway", p("VpnGatewayId", gw));
        assertEquals(List.of(vpc, vsw, "10M", "enable", "active"), List.of(text(g, "VpcId"), text(g, "VSwitchId"),
                text(g, "Spec"), text(g, "SslVpn"), text(g, "Status")));
        String server = text(c.call("CreateSslVpnServer", p("VpnGatewayId", gw, "ClientIpPool", "192.168.0.0/16",
                "LocalSubnet", "10.0.0.0/16")), "SslVpnServerId");
        List<String> certs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            certs.add(text(c.call("CreateSslVpnClientCert", p("SslVpnServerId", server)), "SslVpnClientCertId"));
        }

        for (String[] r : new String[][] {{"VPC", vpc}, {"VSWITCH", vsw}, {"VpnGateWay", gw}}) {
            for (int i = 0; i < 2; i++) {
                c.call("TagResources", p("ResourceType", r[0], "ResourceId", List.of(r[1]), "Tag", List.of(tag("env", "test"))));
            }
        }
        assertEquals(json("{\"RegionId\":\"cn-hangzhou\",\"ResourceId.1\":\"" + gw + "\",\"ResourceType\":\"VpnGateWay\","
                + "\"Tag.1.Key\":\"env\",\"Tag.1.Value\":\"test\"}"), ServersTest.sent(emu, "TagResources"));
        JsonNode tags = c.call("ListTagResources", p("ResourceType", "VPC", "ResourceId", List.of(vpc)));
        assertTrue(tags.toString().contains("\"env\"") && tags.toString().contains("\"team\""), tags.toString());
        // vpc20160428 3.2.24's DescribeVpcs has no Tag filter (the other suites test it).
        JsonNode vpcs = c.call("DescribeVpcs", p("VpcId", vpc, "VpcName", "chain"));
        assertEquals(1, field(vpcs, "TotalCount").asInt());
        assertEquals(1, field(c.call("DescribeVSwitches", p("VpcId", vpc)), "TotalCount").asInt());
        JsonNode tables = c.call("DescribeRouteTableList", p("VpcId", vpc));
        assertTrue(tables.toString().contains(table) && tables.toString().contains("System"), tables.toString());
        c.call("ModifyVpcAttribute", p("VpcId", vpc, "VpcName", "renamed"));
        c.call("ModifyVSwitchAttribute", p("VSwitchId", vsw, "VSwitchName", "b"));
        JsonNode modified = c.call("ModifyVpnGatewayAttribute", p("VpnGatewayId", gw, "Description", "gw", "AutoPropagate", false));
        assertEquals("gw", text(modified, "Description"));
        c.call("UnTagResources", p("ResourceType", "VPC", "ResourceId", List.of(vpc), "TagKey", List.of("env")));
        assertEquals(json("{\"RegionId\":\"cn-hangzhou\",\"ResourceId.1\":\"" + vpc + "\",\"ResourceType\":\"VPC\","
                + "\"TagKey.1\":\"env\"}"), ServersTest.sent(emu, "UnTagResources"));
        if (c instanceof Legacy l && kind.equals("legacy-json")) {
            // The raw answers carry every wrapper object, even when empty.
            JsonNode raw = l.raw("DescribeVpcs", p("VpcId", vpc)).get("Vpcs").get("Vpc").get(0);
            assertEquals("{\"SecondaryCidrBlock\":[]}", raw.get("SecondaryCidrBlocks").toString());
            assertEquals("{\"VSwitchId\":[\"" + vsw + "\"]}", raw.get("VSwitchIds").toString());
            assertEquals("{\"Tag\":[{\"Key\":\"team\",\"Value\":\"vpn\"}]}", raw.get("Tags").toString());
            JsonNode rawSwitch = l.raw("DescribeVSwitchAttributes", p("VSwitchId", vsw));
            assertEquals("System", rawSwitch.get("RouteTable").get("RouteTableType").asText());
        }

        assertCode(c, "DependencyViolation", () -> c.call("DeleteVSwitch", p("VSwitchId", vsw)));
        assertCode(c, "DependencyViolation.VSwitch", () -> c.call("DeleteVpc", p("VpcId", vpc)));
        for (int i = certs.size() - 1; i >= 0; i--) {
            c.call("DeleteSslVpnClientCert", p("SslVpnClientCertId", certs.get(i)));
        }
        c.call("DeleteSslVpnServer", p("SslVpnServerId", server));
        c.call("DeleteVpnGateway", p("VpnGatewayId", gw));
        c.call("DeleteVSwitch", p("VSwitchId", vsw));
        c.call("DeleteVpc", p("VpcId", vpc)); // aliyun-java-sdk-vpc 3.2.4 has no ClientToken here
        assertCode(c, "InvalidVpcId.NotFound", () -> c.call("DescribeVpcAttribute", p("VpcId", vpc)));
        assertCode(c, "InvalidVSwitchId.NotFound", () -> c.call("DescribeVSwitchAttributes", p("VSwitchId", vsw)));
        assertEquals(1, admin(emu, "GET", "state", null).get("Vpcs").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tea", "legacy-json", "legacy-xml"})
    void errors(String kind, Emulator emu) throws Exception {
        Caller c = caller(kind, emu);
        assertCode(c, "InvalidCidrBlock.Malformed", () -> c.call("CreateVpc", p("CidrBlock", "11.0.0.0/8")));
        assertCode(c, "InvalidParameter", () -> c.call("CreateVSwitch",
                p("VpcId", DEFAULT_VPC, "ZoneId", "cn-hangzhou-b", "CidrBlock", "10.0.0.0/24")));
        assertCode(c, "InvalidCidrBlock.Overlapped", () -> c.call("CreateVSwitch",
                p("VpcId", DEFAULT_VPC, "ZoneId", "cn-hangzhou-b", "CidrBlock", "192.168.1.0/25")));
        assertCode(c, "InvalidZoneId.NotFound", () -> c.call("CreateVSwitch",
                p("VpcId", DEFAULT_VPC, "ZoneId", "cn-hangzhou-z", "CidrBlock", "192.168.2.0/24")));
        assertCode(c, "InvalidVpcId.NotFound", () -> c.call("CreateVpnGateway", p("VpcId", "vpc-bp1doesnotexist000001", "Bandwidth", 5)));
        assertCode(c, "InvalidParameter", () -> c.call("CreateVpnGateway", p("VpcId", DEFAULT_VPC, "Bandwidth", 7)));
        String prepaid = text(c.call("CreateVpnGateway", p("VpcId", DEFAULT_VPC, "Bandwidth", 5,
                "InstanceChargeType", "PREPAY", "Period", 1)), "VpnGatewayId");
        assertCode(c, "ForbiddenRelease", () -> c.call("DeleteVpnGateway", p("VpnGatewayId", prepaid)));
    }
}
